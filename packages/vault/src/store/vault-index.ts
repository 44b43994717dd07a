import { type RedisClient, scanKeys } from '@vaultover/foundation/redis';
import { KEY_PREFIX, rel, vaultPrefix } from './vault-keys.ts';

/**
 * Sorted set (lexicographic) of the names of every vault of the region that has a `props` key, live or
 * soft-deleted: what the management plane lists. It has no `{vault}` hash tag, so it lives in a slot
 * of its own.
 *
 * Why it is not updated in the vault's atomic commit: a Lua script in Redis Cluster may only touch keys of
 * one hash slot, and each vault's keys (its state and its change stream) sit in that vault's slot, while
 * this index spans every vault (on a cluster it sits on whichever master serves its own slot). So the
 * index follows the commit (added after a create commits, removed
 * after a purge commits) and is repaired at start from the `props` keys themselves, which are the truth:
 * a crash between the two steps leaves at worst a vault missing from the list until the next start, or a
 * name listed whose `props` is gone, which readers skip.
 */
export const VAULT_INDEX_KEY = `${KEY_PREFIX}:vault-index`;

// `vo:{<vault>}:props`: braces are literal in SCAN's glob, and vault names never hold glob characters.
const PROPS_PATTERN = `${KEY_PREFIX}:{*}:${rel.properties()}`;

/** The region-wide index of vault names. */
export class VaultIndex {
  readonly #redis: RedisClient;

  constructor(redis: RedisClient) {
    this.#redis = redis;
  }

  async add(name: string): Promise<void> {
    await this.#redis.zadd(VAULT_INDEX_KEY, 0, name);
  }

  async remove(name: string): Promise<void> {
    await this.#redis.zrem(VAULT_INDEX_KEY, name);
  }

  /** Up to `size` names after `after` (exclusive), in name order, and whether more follow. */
  async page(after: string | undefined, size: number): Promise<{ names: string[]; more: boolean }> {
    const names = await this.#redis.zrangebylex(
      VAULT_INDEX_KEY,
      after ? `(${after}` : '-',
      '+',
      'LIMIT',
      0,
      size + 1,
    );
    return { names: names.slice(0, size), more: names.length > size };
  }

  /** Every indexed name. */
  all(): Promise<string[]> {
    return this.#redis.zrange(VAULT_INDEX_KEY, '0', '-1');
  }

  /** Rebuilds the index from the vaults' `props` keys: adds what is missing, drops names without one. */
  async repair(): Promise<{ added: number; removed: number }> {
    const present = await this.#scanVaultNames();
    const indexed = new Set(await this.all());
    const missing = [...present].filter((name) => !indexed.has(name));
    const stale = [...indexed].filter((name) => !present.has(name));
    if (missing.length > 0) await this.#redis.zadd(VAULT_INDEX_KEY, ...missing.flatMap((n) => ['0', n]));
    if (stale.length > 0) await this.#redis.zrem(VAULT_INDEX_KEY, ...stale);
    return { added: missing.length, removed: stale.length };
  }

  async #scanVaultNames(): Promise<Set<string>> {
    const names = new Set<string>();
    const suffix = `}:${rel.properties()}`;
    // On a cluster the vaults are spread over the masters: scanKeys walks each.
    for await (const keys of scanKeys(this.#redis, PROPS_PATTERN)) {
      for (const key of keys) {
        const name = key.slice(`${KEY_PREFIX}:{`.length, -suffix.length);
        // The glob's `*` could span `}:` of an unrelated key; keep only exact `props` keys.
        if (vaultPrefix(name) + rel.properties() === key) names.add(name);
      }
    }
    return names;
  }
}
