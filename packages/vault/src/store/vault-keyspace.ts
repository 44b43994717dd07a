import type { Redis } from 'ioredis';
import { logKeys, vaultPrefix } from './vault-keys.ts';

const SCAN_COUNT = 1000;

/**
 * Relative names of every key of `vault` except its change stream and position counter: what a vault
 * purge removes. Found by SCAN rather than from the object indexes, so that keys of kinds added later
 * (or side keys of any kind) go too. In a Redis Cluster, SCAN must run on the node owning the vault's slot.
 *
 * The stream and counter stay: the purge's own change entry is in the stream for the secondary to apply,
 * and a vault re-created under the same name continues the positions instead of restarting them below a
 * secondary's checkpoint.
 */
export async function purgeableVaultKeys(redis: Redis, vault: string): Promise<string[]> {
  const prefix = vaultPrefix(vault);
  const log = logKeys(vault);
  const keys = new Set<string>();
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', SCAN_COUNT);
    for (const key of batch) if (key !== log.stream && key !== log.position) keys.add(key);
    cursor = next;
  } while (cursor !== '0');
  return [...keys].sort().map((key) => key.slice(prefix.length));
}
