import { readFile } from 'node:fs/promises';
import { checkpointKey, replicationRedis } from '@vaultover/replication';
import { logKeys, VAULT_INDEX_KEY, vaultPrefix } from '@vaultover/vault';
import { Command, type Redis } from 'ioredis';
import type { SnapshotInstaller } from './resync-time.ts';

// The product's own install script, read (not changed) from the package.
const INSTALL_SCRIPT = new URL('../../packages/replication/src/lua/install-snapshot.lua', import.meta.url);

/**
 * The product's full resync (packages/replication/src/resync.ts) step for step: the same snapshot
 * script on the primary, the same install script on the secondary, then the vault index entry, but
 * with the install's arguments handed to ioredis as one array. The product spreads them into a call
 * (`replInstallSnapshot(key, ...args)`), two per key, and V8 refuses a spread of more than about
 * 125 000 arguments ("Maximum call stack size exceeded"): above some 60 000 keys a vault cannot resync.
 * This estimates what a fixed resync costs; it is reported apart from the product's figure.
 */
export const arrayInstaller: SnapshotInstaller = async (primary, secondary, vault) => {
  const log = logKeys(vault);
  const prefix = vaultPrefix(vault);
  const [position, time, ...pairs] = await replicationRedis(primary).replSnapshotBuffer(
    log.position,
    log.stream,
    prefix,
  );
  const args: (string | Buffer)[] = [await readFile(INSTALL_SCRIPT, 'utf8'), '1', checkpointKey(vault)];
  args.push(prefix, String(position), String(time));
  for (let i = 0; i + 1 < pairs.length; i += 2) args.push(String(pairs[i]), pairs[i + 1] as Buffer);
  const keys = Number(await secondary.sendCommand(new Command('eval', args)));
  await installIndex(secondary, vault);
  return keys;
};

async function installIndex(secondary: Redis, vault: string): Promise<void> {
  await secondary.zadd(VAULT_INDEX_KEY, 0, vault);
}
