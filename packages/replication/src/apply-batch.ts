import { vaultPrefix } from '@vaultover/vault';
import type { WireEntry } from './change-entry.ts';
import { applyRefusal, ReplicationError } from './errors.ts';
import { checkpointKey } from './replication-keys.ts';
import type { ReplicationRedis } from './scripts.ts';

/** A vault's checkpoint: the last applied position and its commit time (ms since the epoch). */
export interface Checkpoint {
  position: number;
  time: number;
}

/** What one apply step did. */
export interface ApplyResult extends Checkpoint {
  /** Entries actually applied (those above the previous checkpoint). */
  applied: number;
}

/**
 * Applies a batch of one vault's entries and advances its checkpoint, in one script call (one round
 * trip). Refuses the whole batch (ReplicationError MalformedEntry/UnknownFormat, nothing written) when
 * any entry is bad.
 */
export async function applyBatch(
  secondary: ReplicationRedis,
  vault: string,
  entries: readonly WireEntry[],
): Promise<ApplyResult> {
  const names = new Set<string>();
  for (const entry of entries) {
    if (!entry.keyNames)
      throw new ReplicationError(
        'MalformedEntry',
        `vault ${vault}: entry ${entry.position}: malformed keys`,
        vault,
      );
    for (const name of entry.keyNames) names.add(name);
  }
  const prefix = vaultPrefix(vault);
  const ordered = [...names];
  const wire = entries.map((e) => [String(e.position), e.v, e.t, e.keys, e.ops]);
  let reply: unknown;
  try {
    reply = await secondary.replApplyBatch(
      ordered.length + 1,
      checkpointKey(vault),
      ...ordered.map((name) => prefix + name),
      JSON.stringify(ordered),
      JSON.stringify(wire),
    );
  } catch (error) {
    // A refusal of the script is bad data; anything else (connection errors) is not: the caller retries it.
    throw applyRefusal(vault, error) ?? error;
  }
  const [applied, position, time] = reply as [number, number | string, number | string];
  return { applied: Number(applied), position: Number(position), time: Number(time) };
}

/** Reads a vault's checkpoint on the secondary (position 0 when it has none). */
export async function readCheckpoint(secondary: ReplicationRedis, vault: string): Promise<Checkpoint> {
  const [position, time] = await secondary.hmget(checkpointKey(vault), 'position', 'time');
  return { position: Number(position ?? 0), time: Number(time ?? 0) };
}
