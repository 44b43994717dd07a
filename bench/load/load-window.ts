import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import type { LoadEvent, LoadResult } from './load-spec.ts';

// The measured window every load child shares, whatever sends its requests: a warm-up whose answers do
// not count, the window, then a stop. Only what completes inside the window counts.

const MAX_ERROR_SAMPLES = 5;

export type Phase = 'warmup' | 'measuring' | 'stopping';

/** When the window was open, on the monotonic clock and on the wall clock (call records carry the latter). */
export interface WindowSpan {
  /** Actual length of the window (timers can fire late). */
  windowMs: number;
  /** Epoch ms at which the window opened and closed. */
  openedAt: number;
  closedAt: number;
}

/** Counts the answers of one load run; what ends while `measuring` counts for the window. */
export class WindowTally {
  phase: Phase = 'warmup';
  #ok = 0;
  #errors = 0;
  #totalOk = 0;
  readonly #errorSamples = new Set<string>();
  /** Latencies in microseconds (the histogram takes integers). */
  readonly #latency: RecordableHistogram = createHistogram({ lowest: 1, highest: 60_000_000, figures: 3 });

  success(latencyMs: number): void {
    this.#totalOk++;
    if (this.phase !== 'measuring') return;
    this.#ok++;
    this.#latency.record(Math.max(1, Math.round(latencyMs * 1000)));
  }

  failure(description: string): void {
    if (this.phase !== 'measuring') return;
    this.#errors++;
    if (this.#errorSamples.size < MAX_ERROR_SAMPLES) this.#errorSamples.add(description.slice(0, 300));
  }

  result(windowMs: number): LoadResult {
    const ok = this.#ok;
    const ms = (percentile: number) => (ok > 0 ? this.#latency.percentile(percentile) / 1000 : 0);
    return {
      ok,
      errors: this.#errors,
      errorSamples: [...this.#errorSamples],
      windowMs,
      requestsPerSecond: (ok / windowMs) * 1000,
      p50Ms: ms(50),
      p99Ms: ms(99),
      maxMs: ok > 0 ? this.#latency.max / 1000 : 0,
      totalOk: this.#totalOk,
    };
  }
}

/**
 * Flips the tally's phases at the planned times, telling the orchestrator (which samples process CPU
 * over the same span), and returns when the window really was open.
 */
export async function timeWindow(
  timing: { warmupMs: number; durationMs: number },
  tally: WindowTally,
  onEvent: (event: LoadEvent) => void,
): Promise<WindowSpan> {
  await delay(timing.warmupMs);
  tally.phase = 'measuring';
  const started = performance.now();
  const openedAt = Date.now();
  onEvent({ phase: 'measuring' });
  await delay(timing.durationMs);
  tally.phase = 'stopping';
  const windowMs = performance.now() - started;
  const closedAt = Date.now();
  onEvent({ phase: 'done' });
  return { windowMs, openedAt, closedAt };
}
