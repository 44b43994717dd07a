import type { RedisClient } from '@vaultover/foundation/redis';
import { VAULT_INDEX_KEY } from './vault-index.ts';
import { logKeys } from './vault-keys.ts';

/**
 * The region-wide change position of a store: the sum of every indexed vault's `pos`, so that the
 * difference of two positions counts changes. The index, then every position at once: GETs sent
 * together rather than one MGET or one pipeline, which a cluster refuses when their keys sit in slots of
 * several nodes (each vault's position is in its vault's slot); sent at once, they still cost one round
 * trip (per node).
 */
export async function storePosition(redis: RedisClient): Promise<number> {
  const vaults = await redis.zrange(VAULT_INDEX_KEY, '0', '-1');
  const positions = await Promise.all(vaults.map((vault) => redis.get(logKeys(vault).position)));
  return positions.reduce((sum, position) => sum + Number(position ?? 0), 0);
}
