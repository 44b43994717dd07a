import type { CallRecord } from './call-record.ts';
import { percentile } from './percentile.ts';

/** What a live status line shows: totals since the start, rates and latencies over the recent window. */
export interface LiveFigures {
  calls: number;
  failed: number;
  /** Calls that ended per second over the window. */
  callsPerSecond: number;
  /** Over the window's calls, ms; undefined when none ended in it. */
  p50Ms: number | undefined;
  p99Ms: number | undefined;
  inFlight: number;
  /** Open loop: calls due that were not started because too many were in flight. */
  dropped: number;
}

/** Seconds the rate and the percentiles look back over: recent enough to show an outage as it happens. */
export const LIVE_WINDOW_MS = 5_000;

/**
 * Figures over the calls as they end. Only the window's calls are kept (a ring trimmed on each read),
 * so a long run holds what a few seconds of calls take.
 */
export class LiveFigureTracker {
  #calls = 0;
  #failed = 0;
  #dropped = 0;
  #inFlight = 0;
  /** End time (monotonic ms) and latency of each call in the window, oldest first. */
  #recent: { end: number; latencyMs: number }[] = [];
  readonly #startedAt: number;
  readonly now: () => number;

  constructor(now: () => number) {
    this.now = now;
    this.#startedAt = now();
  }

  started(): void {
    this.#inFlight += 1;
  }

  ended(record: CallRecord): void {
    this.#inFlight -= 1;
    this.#calls += 1;
    if (record.outcome === 'failed') this.#failed += 1;
    this.#recent.push({ end: this.now(), latencyMs: record.latencyMs });
  }

  dropped(): void {
    this.#dropped += 1;
  }

  figures(): LiveFigures {
    const now = this.now();
    const from = now - LIVE_WINDOW_MS;
    let first = 0;
    while (first < this.#recent.length && (this.#recent[first] as { end: number }).end < from) first += 1;
    if (first > 0) this.#recent.splice(0, first);
    const seconds = Math.max(0.001, Math.min(LIVE_WINDOW_MS, now - this.#startedAt) / 1000);
    const latencies = this.#recent.map((entry) => entry.latencyMs);
    return {
      calls: this.#calls,
      failed: this.#failed,
      callsPerSecond: this.#recent.length / seconds,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      inFlight: this.#inFlight,
      dropped: this.#dropped,
    };
  }
}
