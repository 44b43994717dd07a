import type { RedisClient } from '@vaultover/foundation/redis';
import { vaultDigest } from './digest.ts';

/** Digests of several vaults, by name. */
export async function digestAll(
  redis: RedisClient,
  vaults: readonly string[],
): Promise<Record<string, string>> {
  const digests: Record<string, string> = {};
  for (const vault of [...vaults].sort()) digests[vault] = await vaultDigest(redis, vault);
  return digests;
}
