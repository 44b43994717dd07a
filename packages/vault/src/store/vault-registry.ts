import { NotFoundError } from '../errors.ts';
import type { Committer } from './committer.ts';
import { GuardFailedError } from './committer.ts';
import { Mutation } from './mutation.ts';
import type { VaultRedis } from './scripts.ts';
import { rel, vaultPrefix } from './vault-keys.ts';

export const DEFAULT_RETENTION_DAYS = 90;

/** Properties of a vault that shape how its objects behave. Retention is fixed at creation, as in the real service. */
export interface VaultProperties {
  readonly name: string;
  /** Soft-delete retention, 7–90 days. */
  readonly retentionDays: number;
  /** When true, deleted objects cannot be purged before their retention ends. */
  readonly purgeProtection: boolean;
  /** Creation time, ms since the epoch. */
  readonly created: number;
}

export interface VaultSpec {
  name: string;
  retentionDays?: number | undefined;
  purgeProtection?: boolean | undefined;
}

/** The `recoveryLevel` and `recoverableDays` the real service reports for objects of a vault. */
export function recoveryOf(vault: VaultProperties): { recoveryLevel: string; recoverableDays: number } {
  const customized = vault.retentionDays < 90 ? 'Customized' : '';
  const purgeable = vault.purgeProtection ? '' : '+Purgeable';
  return { recoveryLevel: `${customized}Recoverable${purgeable}`, recoverableDays: vault.retentionDays };
}

export function vaultNotFound(name: string): NotFoundError {
  return new NotFoundError(
    'VaultNotFound',
    `Vault ${name} was not found in this region. Check the vault name in the host.`,
  );
}

/** Reads and creates vaults. Properties are cached: they change only through this registry. */
export class VaultRegistry {
  readonly #redis: VaultRedis;
  readonly #committer: Committer;
  readonly #clockNow: () => number;
  readonly #cache = new Map<string, VaultProperties>();

  constructor(redis: VaultRedis, committer: Committer, clockNow: () => number) {
    this.#redis = redis;
    this.#committer = committer;
    this.#clockNow = clockNow;
  }

  /** Properties of `name`, or VaultNotFound. */
  async get(name: string): Promise<VaultProperties> {
    const cached = this.#cache.get(name);
    if (cached) return cached;
    const raw = await this.#redis.hget(vaultPrefix(name) + rel.properties(), 'doc');
    if (!raw) throw vaultNotFound(name);
    const properties = JSON.parse(raw) as VaultProperties;
    this.#cache.set(name, properties);
    return properties;
  }

  /** Creates the vault unless it exists; an existing vault keeps its properties (retention is immutable). */
  async ensure(spec: VaultSpec): Promise<VaultProperties> {
    const properties: VaultProperties = {
      name: spec.name,
      retentionDays: spec.retentionDays ?? DEFAULT_RETENTION_DAYS,
      purgeProtection: spec.purgeProtection ?? false,
      created: this.#clockNow(),
    };
    const mutation = new Mutation('VaultCreate')
      .requireField(rel.properties(), 'doc', false, 'exists')
      .hset(rel.properties(), 'doc', JSON.stringify(properties));
    try {
      await this.#committer.commit(spec.name, mutation);
      this.#cache.set(spec.name, properties);
      return properties;
    } catch (error) {
      if (error instanceof GuardFailedError) return this.get(spec.name);
      throw error;
    }
  }
}
