import type { Clock } from '@vaultover/foundation';
import type { PurgeJob } from '../soft-delete/purge-scheduler.ts';
import { GuardFailedError } from '../store/committer.ts';
import type { VaultIndex } from '../store/vault-index.ts';
import type { VaultRegistry } from '../store/vault-registry.ts';
import {
  newVaultProperties,
  requireCreateFields,
  requireRegion,
  updatedVaultProperties,
} from './vault-changes.ts';
import type { VaultDefaults, VaultProperties, VaultRecord } from './vault-doc.ts';
import {
  ArmConflictError,
  badVaultProperty,
  vaultAlreadyExists,
  vaultNameInDeletedState,
  vaultResourceNotFound,
} from './vault-errors.ts';
import { parseVaultInput, requireLocation, type VaultInput } from './vault-input.ts';
import { VaultPurges } from './vault-purges.ts';
import { type NameAvailability, VaultQueries } from './vault-queries.ts';
import {
  inGroup,
  lookupVaultName,
  requireVaultName,
  type VaultRequest,
  vaultPurgeJob,
} from './vault-request.ts';

/** Plans and cancels scheduled purges (the PurgeScheduler). */
export interface VaultPurgePlanner {
  plan(job: PurgeJob): Promise<void>;
  cancel(job: PurgeJob): Promise<void>;
}

/** What the management plane works with. */
export interface VaultManagerDeps {
  registry: VaultRegistry;
  index: VaultIndex;
  clock: Clock;
  defaults: VaultDefaults;
  purges?: VaultPurgePlanner | undefined;
  /** Schedules the purges of a vault's soft-deleted objects (after a recovery, at start). */
  reconcileObjects: (vault: string) => Promise<number>;
}

const MAX_ATTEMPTS = 8;
const DAY_SECONDS = 86_400;

/**
 * The management plane: vaults as resources (create, update, delete, recover, purge, list), with the real
 * service's rules. Every change is one mutation on the vault's own change stream (see VaultRegistry).
 */
export class VaultManager {
  readonly #deps: VaultManagerDeps;
  readonly #queries: VaultQueries;
  readonly #purges: VaultPurges;

  constructor(deps: VaultManagerDeps) {
    this.#deps = deps;
    this.#queries = new VaultQueries(deps.registry, deps.index);
    this.#purges = new VaultPurges(deps);
  }

  /** Reads: get and list vaults, live or soft-deleted; name availability. */
  get queries(): VaultQueries {
    return this.#queries;
  }

  /** Purges of soft-deleted vaults, by hand or when their retention ends. */
  get purges(): VaultPurges {
    return this.#purges;
  }

  /** PUT: creates the vault, updates it, or recovers it (`properties.createMode: "recover"`). */
  async createOrUpdate(
    request: VaultRequest,
    body: unknown,
  ): Promise<{ vault: VaultProperties; created: boolean }> {
    const name = requireVaultName(request.name);
    const input = parseVaultInput(body);
    requireRegion(requireLocation(input), this.#deps.defaults);
    if (input.createMode === 'recover') return { vault: await this.#recover(request, name), created: false };
    requireCreateFields(input, this.#deps.defaults);
    return this.#retrying(async () => {
      const record = await this.#deps.registry.read(name);
      if (!record) {
        const properties = newVaultProperties(
          request,
          name,
          input,
          this.#deps.defaults,
          this.#deps.clock.now(),
        );
        const vault = await this.#deps.registry.create(properties);
        await this.#deps.index.add(name);
        return { vault, created: true };
      }
      this.#liveInGroup(record, request);
      return { vault: await this.#update(record, input, request, 'VaultPut'), created: false };
    });
  }

  /** PATCH: changes the given properties of a live vault. */
  async update(request: VaultRequest, body: unknown): Promise<VaultProperties> {
    const name = lookupVaultName(request.name);
    const input = parseVaultInput(body);
    return this.#retrying(async () => {
      const record = name ? await this.#deps.registry.read(name) : undefined;
      if (!record || record.deletion || !inGroup(record.properties, request.resourceGroup)) {
        throw vaultResourceNotFound(request.resourceGroup, request.name);
      }
      return this.#update(record, input, request, 'VaultPatch');
    });
  }

  /** DELETE: soft-deletes a live vault; false when there is no such vault (ARM answers 204 then). */
  async delete(request: VaultRequest): Promise<boolean> {
    const name = lookupVaultName(request.name);
    if (!name) return false;
    return this.#retrying(async () => {
      const record = await this.#deps.registry.read(name);
      if (!record || record.deletion || !inGroup(record.properties, request.resourceGroup)) return false;
      const deletedDate = Math.floor(this.#deps.clock.now() / 1000);
      const deletion = {
        deletedDate,
        scheduledPurgeDate: deletedDate + record.properties.retentionDays * DAY_SECONDS,
      };
      await this.#deps.registry.softDelete(record, deletion);
      await this.#deps.purges?.plan(vaultPurgeJob(name, deletion));
      return true;
    });
  }

  /** `checkNameAvailability`. */
  checkName(name: unknown): Promise<NameAvailability> {
    return this.#queries.checkName(name);
  }

  /** At start: repairs the name index and plans the purges of every vault and of their deleted objects. */
  async reconcile(): Promise<{ vaults: number; deleted: number }> {
    await this.#deps.index.repair();
    let vaults = 0;
    let deleted = 0;
    for (const name of await this.#deps.index.all()) {
      const record = await this.#deps.registry.read(name);
      if (!record) continue;
      vaults++;
      if (record.deletion) {
        deleted++;
        await this.#deps.purges?.plan(vaultPurgeJob(name, record.deletion));
      } else {
        await this.#deps.reconcileObjects(name);
      }
    }
    return { vaults, deleted };
  }

  async #recover(request: VaultRequest, name: string): Promise<VaultProperties> {
    return this.#retrying(async () => {
      const record = await this.#deps.registry.read(name);
      if (!record) throw this.#purges.notFound(name);
      if (!record.deletion) return this.#liveInGroup(record, request);
      if (!inGroup(record.properties, request.resourceGroup)) {
        throw badVaultProperty(
          `The deleted vault '${name}' belonged to resource group '${record.properties.resourceGroup}'; ` +
            'recover it into that resource group.',
        );
      }
      const vault = await this.#deps.registry.recover(name, record.deletion);
      await this.#deps.purges?.cancel(vaultPurgeJob(name, record.deletion));
      // Object purges that came due while the vault was deleted found no vault and were dropped.
      await this.#deps.reconcileObjects(name);
      return vault;
    });
  }

  async #update(
    record: VaultRecord,
    input: VaultInput,
    request: VaultRequest,
    operation: 'VaultPut' | 'VaultPatch',
  ): Promise<VaultProperties> {
    const next = updatedVaultProperties(record.properties, input, request, this.#deps.defaults, {
      now: this.#deps.clock.now(),
      replace: operation === 'VaultPut',
    });
    return this.#deps.registry.replace(record, next, operation);
  }

  /** The live vault of `record` if it is in the request's resource group; the name's conflicts otherwise. */
  #liveInGroup(record: VaultRecord, request: VaultRequest): VaultProperties {
    if (record.deletion) throw vaultNameInDeletedState();
    if (!inGroup(record.properties, request.resourceGroup)) throw vaultAlreadyExists(record.properties.name);
    return record.properties;
  }

  /** Runs a read-then-write step again when another writer changed the vault in between. */
  async #retrying<T>(step: () => Promise<T>): Promise<T> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      try {
        return await step();
      } catch (error) {
        if (!(error instanceof GuardFailedError)) throw error;
      }
    }
    throw new ArmConflictError('ConflictError', 'The vault kept changing under this request; retry it.');
  }
}
