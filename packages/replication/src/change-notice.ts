/** One commit as the primary noted it in its change notices (CHANGE_NOTICES_KEY). */
export interface ChangeNotice {
  vault: string;
  position: number;
  time: number;
}

/**
 * Reads a notice's fields (`vault`, `position`, `t`, as the commit script writes them); undefined for
 * an entry that is not one: nothing the replicator could act on.
 */
export function parseChangeNotice(fields: readonly string[]): ChangeNotice | undefined {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) record[fields[i] as string] = fields[i + 1] as string;
  const { vault, position, t } = record;
  if (!vault) return undefined;
  const notice = { vault, position: Number(position), time: Number(t) };
  return Number.isSafeInteger(notice.position) && Number.isFinite(notice.time) ? notice : undefined;
}
