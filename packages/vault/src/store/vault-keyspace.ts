import { type RedisClient, scanKeys } from '@vaultover/foundation/redis';
import { logKeys, vaultPrefix } from './vault-keys.ts';

/**
 * Relative names of every key of `vault` except its change stream and position counter: what a vault
 * purge removes. Found by SCAN rather than from the object indexes, so that keys of kinds added later
 * (or side keys of any kind) go too. On a cluster every master is scanned (scanKeys): the vault's keys
 * are all on the one serving its slot, which may change under a failover.
 *
 * The stream and counter stay: the purge's own change entry is in the stream for the secondary to apply,
 * and a vault re-created under the same name continues the positions instead of restarting them below a
 * secondary's checkpoint.
 */
export async function purgeableVaultKeys(redis: RedisClient, vault: string): Promise<string[]> {
  const prefix = vaultPrefix(vault);
  const log = logKeys(vault);
  const keys = new Set<string>();
  for await (const batch of scanKeys(redis, `${prefix}*`)) {
    for (const key of batch) if (key !== log.stream && key !== log.position) keys.add(key);
  }
  return [...keys].sort().map((key) => key.slice(prefix.length));
}
