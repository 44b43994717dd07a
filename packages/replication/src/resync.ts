import { logKeys, vaultPrefix } from '@vaultover/vault';
import type { Checkpoint } from './apply-batch.ts';
import { checkpointKey } from './replication-keys.ts';
import { type ReplicationRedis, SNAPSHOT_LUA } from './scripts.ts';

/** What a full resync installed. */
export interface ResyncResult extends Checkpoint {
  keys: number;
}

/**
 * Full resync of one vault: a consistent snapshot on the primary (position and DUMPs of every state key,
 * read in one script), installed on the secondary in one script that also replaces the old copy and sets
 * the checkpoint to the snapshot's position. Two round trips; crash-safe because each side is one atomic
 * script: a crash before the install leaves the old copy and old checkpoint (the resync simply reruns).
 */
export async function fullResync(
  primary: ReplicationRedis,
  secondary: ReplicationRedis,
  vault: string,
): Promise<ResyncResult> {
  const prefix = vaultPrefix(vault);
  const log = logKeys(vault);
  // Bytes: DUMP payloads are binary.
  const reply = (await primary.eval_roBuffer(SNAPSHOT_LUA, 2, log.position, log.stream, prefix)) as Buffer[];
  const [position, time, ...pairs] = reply;
  const args: (string | Buffer)[] = [prefix, String(position), String(time)];
  for (let i = 0; i + 1 < pairs.length; i += 2)
    args.push((pairs[i] as Buffer).toString(), pairs[i + 1] as Buffer);
  // One array, never spread: a vault of 100 000 keys makes 200 000 arguments, past what V8 can spread.
  const keys = Number(await secondary.replInstallSnapshot(checkpointKey(vault), args));
  return { position: Number(String(position)), time: Number(String(time)), keys };
}
