import { type Anomaly, CHANGE_KINDS, type Operation } from './history.ts';

/** At most one region accepts writes in one routing epoch (fencing: docs/control-api.md#fencing). */
export function splitBrain(history: readonly Operation[]): Anomaly[] {
  const writersByEpoch = new Map<number, Map<string, number>>();
  for (const op of history) {
    if (op.kind !== 'write' || op.outcome !== 'ok' || op.epoch === undefined || op.region === undefined)
      continue;
    const writers = writersByEpoch.get(op.epoch) ?? new Map<string, number>();
    if (!writers.has(op.region)) writers.set(op.region, op.id);
    writersByEpoch.set(op.epoch, writers);
  }
  return [...writersByEpoch]
    .filter(([, writers]) => writers.size > 1)
    .map(([epoch, writers]) => ({
      check: 'split-brain',
      detail: `epoch ${epoch}: writes acknowledged by ${[...writers.keys()].join(' and ')}`,
      operations: [...writers.values()],
    }));
}

/** What the deployment holds at the end, once it is back in normal and replication caught up. */
export interface FinalState {
  /** Every value each key holds in any of its versions (the values of its version history). */
  valuesOf(key: string): readonly string[];
}

/** What the failovers of the run reported losing (the control API's `rpo` of each failover). */
export interface ReportedLoss {
  /** Acknowledged changes reported lost, summed over the failovers. */
  changes: number;
  /** Commit-time windows the lost changes lie in, one per failover that lost any (ms, the history's clock). */
  windows: readonly { from: number; to: number }[];
  /**
   * How the count stands to what the state read lacks. `exact` (the default): equal, up to changes the
   * state cannot show. `upper-bound`: the secondary could apply more after the count was taken (its link
   * was up), so the count covers what is gone and may exceed it. `estimate`: the old primary's position
   * came from its last health probe (its store did not answer), so the count and window may miss its
   * newest changes; only "nothing older than the window is gone" holds.
   */
  accuracy?: 'exact' | 'upper-bound' | 'estimate';
}

/**
 * Acknowledged writes the final state does not hold. With `sync` replication there must be none; with
 * `async` each missing one must lie in a window a failover reported, and the failovers' count must equal
 * them, up to the writes that got no answer (a loss nobody counted is as bad as a count of nothing lost).
 */
export function lostWrites(
  history: readonly Operation[],
  final: FinalState,
  mode: 'sync' | 'async',
  reported: ReportedLoss,
): Anomaly[] {
  const missing = history.filter(
    (op) =>
      op.kind === 'write' && op.outcome === 'ok' && !final.valuesOf(op.key).includes(op.value as string),
  );
  if (mode === 'sync') {
    return missing.map((write) => ({
      check: 'lost-write',
      detail: `write #${write.id} of ${write.key} was acknowledged (sync replication) and is gone`,
      operations: [write.id],
    }));
  }
  const accuracy = reported.accuracy ?? 'exact';
  const explained = (write: Operation) =>
    accuracy === 'estimate'
      ? reported.windows.some((window) => (write.completedAt ?? Number.POSITIVE_INFINITY) >= window.from)
      : reported.windows.some((window) => inWindow(write, window));
  const anomalies: Anomaly[] = missing
    .filter((write) => !explained(write))
    .map((write) => ({
      check: 'lost-write',
      detail: `write #${write.id} of ${write.key} is gone, outside every window a failover reported`,
      operations: [write.id],
    }));
  // The reported count is of committed changes: a change that committed without its client learning so
  // (unknown), or a delete or recover (the final state does not show those), may be among them; never
  // fewer than the acknowledged writes that are gone.
  const uncounted = uncountedChanges(history);
  const unexplained = reported.changes - missing.length;
  const countWrong =
    (accuracy !== 'estimate' && unexplained < 0) || (accuracy === 'exact' && unexplained > uncounted);
  if (countWrong) {
    anomalies.push({
      check: 'rpo-mismatch',
      detail:
        `${missing.length} acknowledged writes are gone; the failovers reported ${reported.changes} ` +
        `changes lost (${uncounted} changes could be lost unseen: unanswered, deletes, recovers)`,
      operations: missing.map((write) => write.id),
    });
  }
  return anomalies;
}

/** Changes whose loss the final state cannot show: any change without an answer, deletes and recovers. */
function uncountedChanges(history: readonly Operation[]): number {
  return history.filter(
    (op) =>
      CHANGE_KINDS.has(op.kind) && (op.outcome === 'unknown' || (op.outcome === 'ok' && op.kind !== 'write')),
  ).length;
}

/** The write's commit lies somewhere between its invocation and its acknowledgement. */
function inWindow(write: Operation, window: { from: number; to: number }): boolean {
  return write.invokedAt <= window.to && (write.completedAt ?? Number.POSITIVE_INFINITY) >= window.from;
}

/**
 * A write whose outcome the client never learnt happened once or not at all: its value is in at most one
 * version. Twice would mean a retry below the client (a re-sent commit) wrote it again.
 */
export function duplicatedUnknowns(history: readonly Operation[], versionValues: FinalState): Anomaly[] {
  return history
    .filter((op) => op.kind === 'write' && op.outcome === 'unknown' && op.value !== undefined)
    .filter((op) => versionValues.valuesOf(op.key).filter((value) => value === op.value).length > 1)
    .map((write) => ({
      check: 'duplicated-unknown',
      detail: `write #${write.id} of ${write.key} got no answer and its value is in more than one version`,
      operations: [write.id],
    }));
}

/** A change the service refused (`fail`: it said nothing happened) must not be in the final state. */
export function appliedFailures(history: readonly Operation[], final: FinalState): Anomaly[] {
  return history
    .filter((op) => op.kind === 'write' && op.outcome === 'fail' && op.value !== undefined)
    .filter((op) => final.valuesOf(op.key).includes(op.value as string))
    .map((write) => ({
      check: 'applied-failure',
      detail: `write #${write.id} of ${write.key} was refused, and its value is there`,
      operations: [write.id],
    }));
}
