import type { LagRun } from './lag-probe.ts';

/** Exact percentiles of one window's lags, in ms. */
export interface LagFigures {
  /** Writes in the measured part. */
  writes: number;
  /** Writes per second the schedule achieved in the measured part. */
  writesPerSecond: number;
  /** Lag from the writer's receipt of the commit's acknowledgement to the apply: the headline. */
  fromAck: Percentiles;
  /** Lag from the write's send: an upper bound (it adds the primary's own commit time). */
  fromSend: Percentiles;
  /** How late writes left against their schedule: large values would mean the writer fell behind. */
  slip: Percentiles;
  /** Acknowledged writes never seen applied (counted as infinite lag in the percentiles). */
  missing: number;
  failures: number;
  errorSamples: string[];
  windowMs: number;
}

export interface Percentiles {
  p50: number;
  p99: number;
  max: number;
}

/**
 * The measured part's figures. A write whose apply was never seen counts as an infinite lag, so a
 * replica that loses writes cannot look fast; failed writes (never acknowledged) count as failures.
 */
export function lagFigures(run: LagRun): LagFigures {
  const fromAck: number[] = [];
  const fromSend: number[] = [];
  const slip: number[] = [];
  let missing = 0;
  for (let i = run.measuredFrom; i < run.count; i++) {
    const acked = run.ackedAt[i] ?? Number.NaN;
    const applied = run.appliedAt[i] ?? Number.NaN;
    const sent = run.sentAt[i] ?? 0;
    slip.push(sent - (run.scheduledAt[i] ?? 0));
    if (Number.isNaN(acked)) continue;
    if (Number.isNaN(applied)) missing++;
    fromAck.push(Number.isNaN(applied) ? Number.POSITIVE_INFINITY : applied - acked);
    fromSend.push(Number.isNaN(applied) ? Number.POSITIVE_INFINITY : applied - sent);
  }
  const writes = run.count - run.measuredFrom;
  return {
    writes,
    writesPerSecond: run.windowMs > 0 ? (writes / run.windowMs) * 1000 : 0,
    fromAck: percentiles(fromAck),
    fromSend: percentiles(fromSend),
    slip: percentiles(slip),
    missing,
    failures: run.failures,
    errorSamples: run.errorSamples,
    windowMs: run.windowMs,
  };
}

/** Nearest-rank percentiles of all samples (no histogram buckets). */
export function percentiles(values: number[]): Percentiles {
  if (values.length === 0) return { p50: 0, p99: 0, max: 0 };
  const sorted = Float64Array.from(values).sort();
  const rank = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  return { p50: rank(0.5), p99: rank(0.99), max: sorted[sorted.length - 1] ?? 0 };
}
