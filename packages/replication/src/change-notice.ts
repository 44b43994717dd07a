import { fieldRecord, type WireEntry, wireEntryOf } from './change-entry.ts';

/** One commit as the primary noted it in its change notices (CHANGE_NOTICES_KEY). */
export interface ChangeNotice {
  vault: string;
  position: number;
  time: number;
  /**
   * The entry itself, when the notice carries it (the commit script writes it there; the notices a
   * committer writes after a commit on a Redis Cluster do not): applied from here, the vault's stream
   * is not read.
   */
  entry: WireEntry | undefined;
}

/**
 * Reads a notice's fields (`vault`, `position`, `t`, and the entry's `v`, `op`, `keys`, `ops` when it
 * carries them); undefined for an entry that is not one: nothing the replicator could act on.
 */
export function parseChangeNotice(fields: readonly string[]): ChangeNotice | undefined {
  const record = fieldRecord(fields);
  const { vault, position, t } = record;
  if (!vault) return undefined;
  const at = Number(position);
  const time = Number(t);
  if (!Number.isSafeInteger(at) || !Number.isFinite(time)) return undefined;
  const carries = record.v !== undefined && record.ops !== undefined && record.keys !== undefined;
  const entry = carries ? wireEntryOf(at, record) : undefined;
  return { vault, position: at, time, entry };
}
