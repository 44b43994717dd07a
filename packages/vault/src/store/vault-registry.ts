import {
  DEFAULT_RESOURCE_GROUP,
  DEFAULT_RETENTION_DAYS,
  deletionJson,
  propertiesFromDoc,
  type VaultDefaults,
  type VaultDeletion,
  type VaultProperties,
  type VaultRecord,
} from '../vaults/vault-doc.ts';
import { vaultNotFound } from '../vaults/vault-errors.ts';
import type { Committer } from './committer.ts';
import { GuardFailedError } from './committer.ts';
import { type GuardReason, Mutation } from './mutation.ts';
import type { VaultRedis } from './scripts.ts';
import { rel, vaultPrefix } from './vault-keys.ts';
import { purgeableVaultKeys } from './vault-keyspace.ts';

export { DEFAULT_RETENTION_DAYS, recoveryOf, type VaultProperties } from '../vaults/vault-doc.ts';
export { vaultNotFound } from '../vaults/vault-errors.ts';

/** A vault of the configuration file: created at start unless it exists. */
export interface VaultSpec {
  name: string;
  retentionDays?: number | undefined;
  purgeProtection?: boolean | undefined;
}

/** Guard reasons of vault mutations, for the management plane to turn into its errors. */
export const VAULT_GUARD = {
  exists: { on: 'vault', failure: 'exists' },
  changed: { on: 'vault', failure: 'changed' },
  notDeleted: { on: 'vault', failure: 'not-deleted' },
} as const satisfies Record<string, GuardReason>;

/**
 * Stored vaults: `props` hash of the vault, field `doc` (properties) and, while soft-deleted, `deleted`.
 * Every change is one Mutation on the vault's own stream (VaultPut, VaultPatch, VaultDelete, VaultRecover,
 * VaultPurge). Live properties are cached for the data plane; every change here updates the cache at once.
 */
export class VaultRegistry {
  readonly #redis: VaultRedis;
  readonly #committer: Committer;
  readonly #clockNow: () => number;
  readonly #defaults: VaultDefaults;
  readonly #cache = new Map<string, VaultProperties>();
  readonly #caching: boolean;

  /**
   * `caching: false` for a region whose vaults change under it (a secondary, written by its replicator):
   * every request then reads the vault's properties from Redis.
   */
  constructor(
    redis: VaultRedis,
    committer: Committer,
    clockNow: () => number,
    defaults: VaultDefaults,
    options: { caching?: boolean } = {},
  ) {
    this.#redis = redis;
    this.#committer = committer;
    this.#clockNow = clockNow;
    this.#defaults = defaults;
    this.#caching = options.caching ?? true;
  }

  /** Properties of the live vault `name`, or VaultNotFound (also for a soft-deleted one). */
  async get(name: string): Promise<VaultProperties> {
    const cached = this.#caching ? this.#cache.get(name) : undefined;
    if (cached) return cached;
    const record = await this.read(name);
    if (!record || record.deletion) throw vaultNotFound(name);
    if (this.#caching) this.#cache.set(name, record.properties);
    return record.properties;
  }

  /** The stored vault, live or soft-deleted, read from Redis (never cached); undefined when there is none. */
  async read(name: string): Promise<VaultRecord | undefined> {
    const [doc, deleted] = await this.#redis.hmget(vaultPrefix(name) + rel.properties(), 'doc', 'deleted');
    if (!doc) return undefined;
    const properties = propertiesFromDoc(doc, this.#defaults);
    return {
      properties,
      rawDoc: doc,
      deletion: deleted ? (JSON.parse(deleted) as VaultDeletion) : undefined,
    };
  }

  /** Creates a configured vault unless one of that name exists (live or deleted), which is kept as it is. */
  async ensure(spec: VaultSpec): Promise<VaultProperties> {
    const now = this.#clockNow();
    const properties: VaultProperties = {
      name: spec.name,
      retentionDays: spec.retentionDays ?? DEFAULT_RETENTION_DAYS,
      purgeProtection: spec.purgeProtection ?? false,
      created: now,
      updated: now,
      location: this.#defaults.location,
      resourceGroup: DEFAULT_RESOURCE_GROUP,
      tenantId: this.#defaults.tenantId,
      sku: 'standard',
      rbacAuthorization: true,
      tags: {},
      createdBy: 'vaultover',
      updatedBy: 'vaultover',
    };
    try {
      return await this.create(properties);
    } catch (error) {
      if (!(error instanceof GuardFailedError)) throw error;
      const existing = await this.read(spec.name);
      if (!existing) throw error; // purged in between: let the caller retry
      return existing.properties;
    }
  }

  /** Creates a vault (VaultPut); GuardFailedError(VAULT_GUARD.exists) when the name is taken, live or deleted. */
  async create(properties: VaultProperties): Promise<VaultProperties> {
    const mutation = new Mutation('VaultPut')
      .requireField(rel.properties(), 'doc', false, VAULT_GUARD.exists)
      .hset(rel.properties(), 'doc', JSON.stringify(properties));
    await this.#committer.commit(properties.name, mutation);
    this.#cache.set(properties.name, properties);
    return properties;
  }

  /** Replaces the properties of a live vault, if they are still `current` (compare-and-set). */
  async replace(
    current: VaultRecord,
    next: VaultProperties,
    operation: 'VaultPut' | 'VaultPatch',
  ): Promise<VaultProperties> {
    const mutation = new Mutation(operation)
      .requireFieldValue(rel.properties(), 'doc', current.rawDoc, VAULT_GUARD.changed)
      .requireField(rel.properties(), 'deleted', false, VAULT_GUARD.changed)
      .hset(rel.properties(), 'doc', JSON.stringify(next));
    await this.#committer.commit(next.name, mutation);
    this.#cache.set(next.name, next);
    return next;
  }

  /** Soft-deletes a live vault whose properties are still `current`: it and its objects stay, unreachable. */
  async softDelete(current: VaultRecord, deletion: VaultDeletion): Promise<void> {
    const name = current.properties.name;
    const mutation = new Mutation('VaultDelete')
      .requireFieldValue(rel.properties(), 'doc', current.rawDoc, VAULT_GUARD.changed)
      .requireField(rel.properties(), 'deleted', false, VAULT_GUARD.changed)
      .hset(rel.properties(), 'deleted', deletionJson(deletion));
    await this.#committer.commit(name, mutation);
    this.#cache.delete(name);
  }

  /** Brings back a vault soft-deleted by `deletion`, with all its objects. */
  async recover(name: string, deletion: VaultDeletion): Promise<VaultProperties> {
    const mutation = new Mutation('VaultRecover')
      .requireFieldValue(rel.properties(), 'deleted', deletionJson(deletion), VAULT_GUARD.notDeleted)
      .hdel(rel.properties(), 'deleted');
    await this.#committer.commit(name, mutation);
    this.#cache.delete(name);
    return this.get(name);
  }

  /**
   * Removes a vault soft-deleted by `deletion` and every key it has, in one mutation whose entry lists each
   * key deleted. The keys found by SCAN cannot grow before the commit: writes to a deleted vault are refused
   * by the committer's live-vault guard, and the only other changes (recover, purge) are guarded on `deleted`.
   */
  async purge(name: string, deletion: VaultDeletion): Promise<void> {
    const mutation = new Mutation('VaultPurge').requireFieldValue(
      rel.properties(),
      'deleted',
      deletionJson(deletion),
      VAULT_GUARD.notDeleted,
    );
    for (const key of await purgeableVaultKeys(this.#redis, name)) mutation.del(key);
    await this.#committer.commit(name, mutation);
    this.#cache.delete(name);
  }

  /** Drops a cached vault (for whoever changes vaults outside this registry, such as a replicator). */
  forget(name: string): void {
    this.#cache.delete(name);
  }
}
