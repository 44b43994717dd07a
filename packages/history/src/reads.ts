import type { Anomaly, Operation } from './history.ts';

/**
 * Reads that return what no write wrote. A write that failed may still be the source of nothing; one
 * that is unknown may be: any write's value counts, only values out of nowhere are anomalies.
 */
export function phantomReads(history: readonly Operation[]): Anomaly[] {
  const written = new Set(
    history.filter((op) => op.kind === 'write' && op.outcome !== 'fail').map((op) => op.value),
  );
  return okReads(history)
    .filter((read) => read.value !== undefined && !written.has(read.value))
    .map((read) => ({
      check: 'phantom-read',
      detail: `read #${read.id} of ${read.key} returned a value no write wrote`,
      operations: [read.id],
    }));
}

/**
 * Reads older than they may be (a read that found nothing is older than any write). Within one routing epoch the serving region is one region and every
 * acknowledged write before a read began is in it, so a read must return the last such write or one
 * that may have happened after it: a value `w` is stale when another acknowledged write began after `w`
 * completed and itself completed before the read began (the register rule, per epoch). Across epochs a
 * failover may lose writes (counted as RPO, not here).
 */
export function staleReads(history: readonly Operation[]): Anomaly[] {
  const writesByValue = new Map<string, Operation>();
  for (const op of history)
    if (op.kind === 'write' && op.value !== undefined) writesByValue.set(op.value, op);
  const acknowledged = acknowledgedWritesByKeyAndEpoch(history);
  const anomalies: Anomaly[] = [];
  for (const read of okReads(history)) {
    if (read.value === undefined) {
      // Found nothing: stale when a write of the key was acknowledged in the epoch before the read began.
      const before = (acknowledged.get(`${read.key}\u0000${read.epoch}`) ?? []).find(
        (write) => (write.completedAt as number) < read.invokedAt,
      );
      if (before)
        anomalies.push({
          check: 'stale-read',
          detail: `read #${read.id} of ${read.key} in epoch ${read.epoch} found nothing after write #${before.id} was acknowledged`,
          operations: [read.id, before.id],
        });
      continue;
    }
    const source = writesByValue.get(read.value);
    // A phantom (its own check), an unknown write (no completion to order by) or an unknown epoch.
    if (source?.completedAt === undefined || read.epoch === undefined) continue;
    const writes = acknowledged.get(`${read.key}\u0000${read.epoch}`) ?? [];
    const sourceDone = source.completedAt;
    const newer = writes
      .slice(firstInvokedAfter(writes, sourceDone))
      .find((write) => (write.completedAt as number) < read.invokedAt);
    if (newer) {
      anomalies.push({
        check: 'stale-read',
        detail:
          `read #${read.id} of ${read.key} in epoch ${read.epoch} returned write #${source.id}'s value, ` +
          `but write #${newer.id} began after it and was acknowledged before the read began`,
        operations: [read.id, source.id, newer.id],
      });
    }
  }
  return anomalies;
}

/** Acknowledged writes per key and epoch, in the order they began. */
function acknowledgedWritesByKeyAndEpoch(history: readonly Operation[]): Map<string, Operation[]> {
  const groups = new Map<string, Operation[]>();
  for (const op of history) {
    if (op.kind !== 'write' || op.outcome !== 'ok' || op.epoch === undefined) continue;
    const key = `${op.key}\u0000${op.epoch}`;
    const group = groups.get(key) ?? [];
    group.push(op);
    groups.set(key, group);
  }
  for (const group of groups.values()) group.sort((a, b) => a.invokedAt - b.invokedAt);
  return groups;
}

/** Index of the first write invoked strictly after `time` (binary search over invokedAt). */
function firstInvokedAfter(writes: readonly Operation[], time: number): number {
  let low = 0;
  let high = writes.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((writes[middle] as Operation).invokedAt > time) high = middle;
    else low = middle + 1;
  }
  return low;
}

function okReads(history: readonly Operation[]): Operation[] {
  return history.filter((op) => op.kind === 'read' && op.outcome === 'ok');
}
