import type { Redis } from 'ioredis';
import { VAULT_INDEX_KEY } from './vault-index.ts';
import { logKeys } from './vault-keys.ts';

/**
 * The region-wide change position of a store: the sum of every indexed vault's `pos`, so that the
 * difference of two positions counts changes. Two round trips: the index, then every position in one
 * pipeline (GETs rather than one MGET: the positions sit in their vaults' cluster slots).
 */
export async function storePosition(redis: Redis): Promise<number> {
  const vaults = await redis.zrange(VAULT_INDEX_KEY, '0', '-1');
  if (vaults.length === 0) return 0;
  const pipeline = redis.pipeline();
  for (const vault of vaults) pipeline.get(logKeys(vault).position);
  let sum = 0;
  for (const [error, position] of (await pipeline.exec()) ?? []) {
    if (error) throw error;
    sum += Number(position ?? 0);
  }
  return sum;
}
