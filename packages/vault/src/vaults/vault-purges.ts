import type { Clock } from '@vaultover/foundation';
import { GuardFailedError } from '../store/committer.ts';
import type { VaultIndex } from '../store/vault-index.ts';
import type { VaultRegistry } from '../store/vault-registry.ts';
import { deletionJson, type VaultDefaults, type VaultDeletion, type VaultRecord } from './vault-doc.ts';
import { deletedVaultNotFound, vaultPurgeNotAllowed } from './vault-errors.ts';
import { lookupVaultName } from './vault-request.ts';

export interface VaultPurgesDeps {
  registry: VaultRegistry;
  index: VaultIndex;
  clock: Clock;
  defaults: VaultDefaults;
}

/** Purging soft-deleted vaults for good: by hand (`…/deletedVaults/{name}/purge`) or when retention ends. */
export class VaultPurges {
  readonly #deps: VaultPurgesDeps;

  constructor(deps: VaultPurgesDeps) {
    this.#deps = deps;
  }

  /** Purges a soft-deleted vault now; refused under purge protection until its scheduled purge date. */
  async purge(location: string, name: string): Promise<void> {
    const record = await this.#deleted(location, name);
    const deletion = record.deletion as VaultDeletion;
    const nowSeconds = Math.floor(this.#deps.clock.now() / 1000);
    if (record.properties.purgeProtection && nowSeconds < deletion.scheduledPurgeDate) {
      throw vaultPurgeNotAllowed();
    }
    await this.#remove(record.properties.name, deletion, location);
  }

  /**
   * The service's own purge at the scheduled date (a BullMQ job). `expected` pins the deletion, so that a
   * late job cannot purge a vault that was recovered and deleted again since: that answers 404, which the
   * scheduler takes as "nothing left to do".
   */
  async purgeScheduled(name: string, expected: VaultDeletion): Promise<void> {
    const record = await this.#deps.registry.read(name);
    if (!record?.deletion || deletionJson(record.deletion) !== deletionJson(expected)) {
      throw this.notFound(name);
    }
    await this.#remove(name, expected, record.properties.location);
  }

  /** 404 DeletedVaultNotFound. */
  notFound(name: string, location = this.#deps.defaults.location) {
    return deletedVaultNotFound(name, location);
  }

  async #deleted(location: string, rawName: string): Promise<VaultRecord> {
    const name = lookupVaultName(rawName);
    const record = name ? await this.#deps.registry.read(name) : undefined;
    if (!record?.deletion || record.properties.location !== location.toLowerCase()) {
      throw this.notFound(rawName, location);
    }
    return record;
  }

  async #remove(name: string, deletion: VaultDeletion, location: string): Promise<void> {
    try {
      await this.#deps.registry.purge(name, deletion);
    } catch (error) {
      // Recovered, or purged by someone else, since it was read.
      if (error instanceof GuardFailedError) throw this.notFound(name, location);
      throw error;
    }
    await this.#deps.index.remove(name);
  }
}
