import type { Anomaly, Operation } from './history.ts';

/**
 * Versions of an object only grow within an epoch: a list that began after another list of the same
 * object (same epoch) completed holds every version that one held, and every version an acknowledged
 * write of that epoch created before it began. Across epochs a failover may lose versions (the RPO).
 */
export function shrinkingVersions(history: readonly Operation[]): Anomaly[] {
  const anomalies: Anomaly[] = [];
  for (const group of groupByKeyAndEpoch(history)) {
    const lists = group.filter((op) => op.kind === 'list' && op.versions !== undefined);
    const writes = group.filter((op) => op.kind === 'write' && op.version !== undefined);
    for (const list of lists) {
      const held = new Set(list.versions);
      const earlier = [...lists, ...writes].filter((op) => (op.completedAt as number) < list.invokedAt);
      for (const before of earlier) {
        const missing = (before.versions ?? [before.version as string]).find((version) => !held.has(version));
        if (missing === undefined) continue;
        anomalies.push({
          check: 'shrinking-versions',
          detail:
            `list #${list.id} of ${list.key} in epoch ${list.epoch} lacks version ${missing}, which ` +
            `${before.kind} #${before.id} ${before.kind === 'list' ? 'saw' : 'created'} before it began`,
          operations: [list.id, before.id],
        });
        break;
      }
    }
  }
  return anomalies;
}

/** Acknowledged lists and writes per object and epoch. */
function groupByKeyAndEpoch(history: readonly Operation[]): Operation[][] {
  const groups = new Map<string, Operation[]>();
  for (const op of history) {
    if ((op.kind !== 'list' && op.kind !== 'write') || op.outcome !== 'ok' || op.epoch === undefined)
      continue;
    const key = `${op.key}\u0000${op.epoch}`;
    const group = groups.get(key) ?? [];
    group.push(op);
    groups.set(key, group);
  }
  return [...groups.values()];
}
