import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { createHttpsSender, type HttpsSender, type Outcome } from './https-sender.ts';
import type { LoadEvent, LoadResult, LoadSpec } from './load-spec.ts';

const MAX_ERROR_SAMPLES = 5;
// After a network error, wait a little so a dead server does not turn the workers into a busy loop.
const ERROR_BACKOFF_MS = 20;

type Phase = 'warmup' | 'measuring' | 'stopping';

interface LoadState {
  phase: Phase;
  ok: number;
  errors: number;
  totalOk: number;
  sequence: number;
  readonly errorSamples: Set<string>;
  /** Latencies in microseconds (the histogram takes integers). */
  readonly latency: RecordableHistogram;
}

/**
 * Closed-loop load: `connections` workers each send a request, wait for the whole response and
 * send the next, over a keep-alive agent with one socket per worker. Counts what completes in
 * the measured window that follows the warm-up.
 */
export async function runLoad(spec: LoadSpec, onEvent: (event: LoadEvent) => void): Promise<LoadResult> {
  const sender = createHttpsSender(spec);
  const state: LoadState = {
    phase: 'warmup',
    ok: 0,
    errors: 0,
    totalOk: 0,
    sequence: 0,
    errorSamples: new Set(),
    latency: createHistogram({ lowest: 1, highest: 60_000_000, figures: 3 }),
  };
  const workers = Array.from({ length: spec.connections }, () => worker(spec, sender, state));
  const window = await timeWindow(spec, state, onEvent);
  await Promise.all(workers);
  sender.close();
  return summarize(state, window);
}

/** Flips the phases at the planned times and returns how long the window really lasted. */
async function timeWindow(
  spec: LoadSpec,
  state: LoadState,
  onEvent: (event: LoadEvent) => void,
): Promise<number> {
  await delay(spec.warmupMs);
  state.phase = 'measuring';
  const started = performance.now();
  onEvent({ phase: 'measuring' });
  await delay(spec.durationMs);
  state.phase = 'stopping';
  const windowMs = performance.now() - started;
  onEvent({ phase: 'done' });
  return windowMs;
}

async function worker(spec: LoadSpec, sender: HttpsSender, state: LoadState): Promise<void> {
  while (state.phase !== 'stopping') {
    const body =
      spec.body ??
      (spec.valueBytes === undefined ? undefined : secretBody(state.sequence++, spec.valueBytes));
    const started = performance.now();
    try {
      const outcome = await sender.send(body);
      record(state, outcome, performance.now() - started);
    } catch (error) {
      record(state, { status: 0, errorBody: (error as Error).message }, 0);
      await delay(ERROR_BACKOFF_MS);
    }
  }
}

function record(state: LoadState, outcome: Outcome, elapsedMs: number): void {
  const success = outcome.status >= 200 && outcome.status < 300;
  if (success) state.totalOk++;
  if (state.phase !== 'measuring') return;
  if (success) {
    state.ok++;
    state.latency.record(Math.max(1, Math.round(elapsedMs * 1000)));
    return;
  }
  state.errors++;
  if (state.errorSamples.size < MAX_ERROR_SAMPLES) {
    const what = outcome.status === 0 ? 'network error' : `HTTP ${outcome.status}`;
    state.errorSamples.add(`${what}: ${outcome.errorBody ?? ''}`.slice(0, 300));
  }
}

/** A unique value of exactly `bytes` ASCII characters, so every PUT writes a new version. */
function secretBody(sequence: number, bytes: number): string {
  const value = `${sequence}:`.padEnd(bytes, 'x').slice(0, bytes);
  return JSON.stringify({ value });
}

function summarize(state: LoadState, windowMs: number): LoadResult {
  const ms = (percentile: number) => (state.ok > 0 ? state.latency.percentile(percentile) / 1000 : 0);
  return {
    ok: state.ok,
    errors: state.errors,
    errorSamples: [...state.errorSamples],
    windowMs,
    requestsPerSecond: (state.ok / windowMs) * 1000,
    p50Ms: ms(50),
    p99Ms: ms(99),
    maxMs: state.ok > 0 ? state.latency.max / 1000 : 0,
    totalOk: state.totalOk,
  };
}
