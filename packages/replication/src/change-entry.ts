/** One raw change entry as XREAD/XRANGE returns it: id and flat field list. */
export type RawEntry = [id: string, fields: string[]];

/** A change entry reduced to what applying needs; keys/ops stay JSON strings (validated by the script). */
export interface WireEntry {
  position: number;
  v: string;
  /**
   * The catalogue operation (`SecretSet`, `VaultPut`…) as the stream holds it: a string, not checked to
   * be an OperationName, since applying does not depend on it (isVaultLifecycleOperation takes any string).
   */
  op: string;
  t: string;
  /** The relative key names, decoded (to declare them as KEYS); undefined when malformed. */
  keyNames: string[] | undefined;
  keys: string;
  ops: string;
}

/** The position of a stream id `<position>-0`. */
export function positionOf(id: string): number {
  return Number(id.slice(0, id.indexOf('-')));
}

/** A stream entry's flat field list (`name, value, …`) as a record. */
export function fieldRecord(fields: readonly string[]): Record<string, string | undefined> {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) record[fields[i] as string] = fields[i + 1] as string;
  return record;
}

/** Parses one raw entry; never throws: malformed content is left for the apply script to refuse. */
export function toWireEntry([id, fields]: RawEntry): WireEntry {
  return wireEntryOf(positionOf(id), fieldRecord(fields));
}

/** The entry at `position` whose fields are `record` (a stream entry's, or a notice's that carries one). */
export function wireEntryOf(position: number, record: Record<string, string | undefined>): WireEntry {
  const keys = record.keys ?? '';
  let keyNames: string[] | undefined;
  try {
    const parsed: unknown = JSON.parse(keys);
    if (Array.isArray(parsed) && parsed.every((k) => typeof k === 'string')) keyNames = parsed;
  } catch {
    keyNames = undefined; // malformed: applyBatch refuses the entry as MalformedEntry
  }
  return {
    position,
    v: record.v ?? '',
    op: record.op ?? '',
    t: record.t ?? '',
    keyNames,
    keys,
    ops: record.ops ?? '',
  };
}
