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
 * Figures over the calls as they end. Only the window's calls are kept, trimmed as calls end, so a long
 * run holds what a few seconds of calls take whether or not anyone reads the figures.
 */
export class LiveFigureTracker {
  #calls = 0;
  #failed = 0;
  #dropped = 0;
  #inFlight = 0;
  // End time (monotonic ms) and latency of each call in the window, oldest first from #head: two arrays
  // of numbers rather than an object per call, so that keeping the window's calls makes no garbage for
  // the collector to trace (the calls of one window are thousands at a bench's rates).
  #ends: number[] = [];
  #latencies: number[] = [];
  #head = 0;
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
    const now = this.now();
    this.#ends.push(now);
    this.#latencies.push(record.latencyMs);
    this.#trim(now);
  }

  dropped(): void {
    this.#dropped += 1;
  }

  figures(): LiveFigures {
    const now = this.now();
    this.#trim(now);
    const seconds = Math.max(0.001, Math.min(LIVE_WINDOW_MS, now - this.#startedAt) / 1000);
    const latencies = this.#latencies.slice(this.#head);
    return {
      calls: this.#calls,
      failed: this.#failed,
      callsPerSecond: latencies.length / seconds,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      inFlight: this.#inFlight,
      dropped: this.#dropped,
    };
  }

  /** Moves past the calls that ended before the window; drops them once they are half the arrays. */
  #trim(now: number): void {
    const from = now - LIVE_WINDOW_MS;
    const ends = this.#ends;
    let head = this.#head;
    while (head < ends.length && (ends[head] as number) < from) head += 1;
    if (head > 0 && head * 2 >= ends.length) {
      ends.splice(0, head);
      this.#latencies.splice(0, head);
      head = 0;
    }
    this.#head = head;
  }
}
