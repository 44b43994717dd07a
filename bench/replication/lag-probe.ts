import { setTimeout as sleep } from 'node:timers/promises';

/**
 * One side of a lag measurement: how to write item `seq` on the primary, and how to hear that the
 * replica applied it. Both the native pair and ours implement it with the same means (a write whose
 * promise resolves on the primary's acknowledgement; a keyspace notification on the replica's Redis,
 * pushed the moment the apply ran), so that their figures differ only by the replication itself.
 */
export interface LagTarget {
  /** Writes item `seq` under the run's prefix; resolves once the primary acknowledged the commit. */
  write(prefix: string, seq: number): Promise<unknown>;
  /**
   * Calls `listener(prefix, seq, at)` for each item the replica applies (possibly more than once);
   * `at` is the apply's time in this process's performance.now().
   */
  onApplied(listener: (prefix: string, seq: number, at: number) => void): () => void;
}

/** How one window runs. */
export interface LagSchedule {
  /** Distinguishes this run's items from every other run's. */
  prefix: string;
  ratePerSecond: number;
  warmupMs: number;
  durationMs: number;
  /** How long to wait after the last write for stragglers before counting them as missing. */
  drainMs: number;
  /** Called as the measured part begins and ends (CPU sampling). */
  onMeasuring?: (phase: 'begin' | 'end') => void;
}

/** Raw timings of one window, all in this process's performance.now() time. */
export interface LagRun {
  /** Items written; the first `measuredFrom` were the warm-up. */
  count: number;
  measuredFrom: number;
  scheduledAt: Float64Array;
  sentAt: Float64Array;
  /** NaN where the write failed or never finished. */
  ackedAt: Float64Array;
  /** NaN where the apply was never seen. */
  appliedAt: Float64Array;
  failures: number;
  errorSamples: string[];
  /** Length of the measured part of the schedule. */
  windowMs: number;
}

// The writer wakes this often: writes due since the last wake are sent at once, each timed from
// its own send, so a late wake shows as schedule slip, never as hidden (omitted) lag.
const TICK_MS = 1;

/**
 * Open-loop writer at a fixed rate: write `i` is due at start + i / rate whatever happened to the
 * earlier ones (no coordinated omission: a slow primary does not slow the schedule). Every item's
 * send, acknowledgement and apply times are kept, so percentiles are exact, not bucketed.
 */
export async function runLagWindow(target: LagTarget, schedule: LagSchedule): Promise<LagRun> {
  const intervalMs = 1000 / schedule.ratePerSecond;
  const total = Math.ceil(((schedule.warmupMs + schedule.durationMs) / 1000) * schedule.ratePerSecond);
  const measuredFrom = Math.ceil((schedule.warmupMs / 1000) * schedule.ratePerSecond);
  const run: LagRun = {
    count: 0,
    measuredFrom,
    scheduledAt: new Float64Array(total),
    sentAt: new Float64Array(total),
    ackedAt: new Float64Array(total).fill(Number.NaN),
    appliedAt: new Float64Array(total).fill(Number.NaN),
    failures: 0,
    errorSamples: [],
    windowMs: 0,
  };
  let pending = 0;
  const forget = target.onApplied((prefix, seq, at) => {
    if (prefix === schedule.prefix && seq < total && Number.isNaN(run.appliedAt[seq] ?? 0))
      run.appliedAt[seq] = at;
  });
  const send = (seq: number, scheduledAt: number) => {
    run.scheduledAt[seq] = scheduledAt;
    run.sentAt[seq] = performance.now();
    pending++;
    target.write(schedule.prefix, seq).then(
      () => {
        run.ackedAt[seq] = performance.now();
        pending--;
      },
      (error: unknown) => {
        run.failures++;
        if (run.errorSamples.length < 3) run.errorSamples.push(String(error));
        pending--;
      },
    );
  };
  try {
    const start = performance.now();
    let measureStart = start;
    while (run.count < total) {
      const now = performance.now();
      const due = Math.min(total, Math.floor((now - start) / intervalMs) + 1);
      for (; run.count < due; run.count++) {
        if (run.count === measuredFrom) {
          measureStart = performance.now();
          schedule.onMeasuring?.('begin');
        }
        send(run.count, start + run.count * intervalMs);
      }
      await sleep(TICK_MS);
    }
    run.windowMs = performance.now() - measureStart;
    schedule.onMeasuring?.('end');
    await drain(run, () => pending, schedule.drainMs);
  } finally {
    forget();
  }
  return run;
}

/** Waits until every write finished and every acknowledged one was seen applied, or the deadline. */
async function drain(run: LagRun, pending: () => number, drainMs: number): Promise<void> {
  const deadline = performance.now() + drainMs;
  let from = run.measuredFrom;
  while (performance.now() < deadline) {
    while (from < run.count && !Number.isNaN(run.appliedAt[from] ?? Number.NaN)) from++;
    if (pending() === 0 && from >= run.count) return;
    await sleep(10);
  }
}
