import { decodeSkipToken, encodeSkipToken, type Page } from '../store/paging.ts';
import type { VaultIndex } from '../store/vault-index.ts';
import type { VaultRegistry } from '../store/vault-registry.ts';
import type { VaultDeletion, VaultProperties, VaultRecord } from './vault-doc.ts';
import { deletedVaultNotFound, vaultResourceNotFound } from './vault-errors.ts';
import { isValidVaultName } from './vault-name.ts';
import { inGroup, lookupVaultName } from './vault-request.ts';

/** A soft-deleted vault: its properties as they were, and when it was deleted and will be purged. */
export interface DeletedVault {
  readonly properties: VaultProperties;
  readonly deletion: VaultDeletion;
}

/** A page request of the management plane: `$top` and the `$skiptoken` of the previous page. */
export interface VaultPageRequest {
  top?: number | undefined;
  skipToken?: string | undefined;
}

/** Answer of `checkNameAvailability`, in the real API's shape. */
export interface NameAvailability {
  nameAvailable: boolean;
  reason?: 'AccountNameInvalid' | 'AlreadyExists';
  message?: string;
}

/** Default page size of vault lists (ARM pages are larger than the data plane's 25). */
export const DEFAULT_VAULT_PAGE = 100;

/** Reads of the management plane: get and list vaults, live or soft-deleted. */
export class VaultQueries {
  readonly #registry: VaultRegistry;
  readonly #index: VaultIndex;

  constructor(registry: VaultRegistry, index: VaultIndex) {
    this.#registry = registry;
    this.#index = index;
  }

  /** A live vault of the resource group, or 404 ResourceNotFound. */
  async get(resourceGroup: string, rawName: string): Promise<VaultProperties> {
    const name = lookupVaultName(rawName);
    const record = name ? await this.#registry.read(name) : undefined;
    if (!record || record.deletion || !inGroup(record.properties, resourceGroup)) {
      throw vaultResourceNotFound(resourceGroup, rawName);
    }
    return record.properties;
  }

  /** A page of live vaults, of one resource group or of all. */
  list(request: VaultPageRequest, resourceGroup?: string): Promise<Page<VaultProperties>> {
    return this.#page(request, (record) =>
      !record.deletion && (resourceGroup === undefined || inGroup(record.properties, resourceGroup))
        ? record.properties
        : undefined,
    );
  }

  /** A page of soft-deleted vaults. */
  listDeleted(request: VaultPageRequest): Promise<Page<DeletedVault>> {
    return this.#page(request, (record) =>
      record.deletion ? { properties: record.properties, deletion: record.deletion } : undefined,
    );
  }

  /** A soft-deleted vault of `location`, or 404 DeletedVaultNotFound. */
  async getDeleted(location: string, rawName: string): Promise<DeletedVault> {
    const name = lookupVaultName(rawName);
    const record = name ? await this.#registry.read(name) : undefined;
    if (!record?.deletion || record.properties.location !== location.toLowerCase()) {
      throw deletedVaultNotFound(rawName, location);
    }
    return { properties: record.properties, deletion: record.deletion };
  }

  /** Whether a vault could be created under `name`: valid, and neither live nor soft-deleted. */
  async checkName(name: unknown): Promise<NameAvailability> {
    if (typeof name !== 'string' || !isValidVaultName(name)) {
      return {
        nameAvailable: false,
        reason: 'AccountNameInvalid',
        message: `The vault name '${String(name).slice(0, 100)}' is invalid. A vault's name must be between 3-24 alphanumeric characters.`,
      };
    }
    const record = await this.#registry.read(name.toLowerCase());
    if (!record) return { nameAvailable: true };
    const state = record.deletion ? ' by a soft-deleted vault; recover or purge it to reuse the name' : '';
    return {
      nameAvailable: false,
      reason: 'AlreadyExists',
      message: `The vault name '${name}' is already in use${state}.`,
    };
  }

  async #page<R>(request: VaultPageRequest, shape: (record: VaultRecord) => R | undefined): Promise<Page<R>> {
    const after = request.skipToken
      ? decodeSkipToken<{ after: string }>(request.skipToken, 'after').after
      : undefined;
    const { names, more } = await this.#index.page(after, request.top ?? DEFAULT_VAULT_PAGE);
    // One read per vault: each vault is in a slot of its own; the region's client pipelines them.
    const records = await Promise.all(names.map((name) => this.#registry.read(name)));
    const items: R[] = [];
    for (const record of records) {
      const item = record && shape(record);
      if (item) items.push(item);
    }
    const last = names.at(-1);
    return { items, skipToken: more && last ? encodeSkipToken({ after: last }) : undefined };
  }
}
