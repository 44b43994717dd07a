// Bench child: node:crypto alone doing what a region does for one crypto request, in its own
// process, measured like a load run (operations per second and latency over the same window).
import { createHistogram } from 'node:perf_hooks';
import { setTimeout as delay, setImmediate as yieldToLoop } from 'node:timers/promises';
import { runAsChild } from '../child/child-protocol.ts';
import type { LoadEvent, LoadResult } from '../load/load-spec.ts';
import type { BareCryptoSpec } from './bare-crypto-spec.ts';
import { bareWork } from './bare-operations.ts';

interface State {
  phase: 'warmup' | 'measuring' | 'stopping';
  ok: number;
  totalOk: number;
}

runAsChild<BareCryptoSpec, LoadResult>(async (spec, emit) => {
  const work = bareWork(spec.operation);
  const run = spec.mode === 'pool' ? work.pooled : async () => work.sync();
  if (!run) throw new Error(`${spec.operation} has no thread-pool form in node:crypto`);
  const state: State = { phase: 'warmup', ok: 0, totalOk: 0 };
  const latency = createHistogram({ lowest: 1, highest: 60_000_000, figures: 3 });
  const worker = async () => {
    while (state.phase !== 'stopping') {
      const started = performance.now();
      await run();
      state.totalOk++;
      if (state.phase === 'measuring') {
        state.ok++;
        latency.record(Math.max(1, Math.round((performance.now() - started) * 1000)));
      }
      // Synchronous work never yields by itself: let the window's timers and the other workers run.
      if (spec.mode === 'sync') await yieldToLoop();
    }
  };
  const workers = Array.from({ length: spec.concurrency }, worker);
  await delay(spec.warmupMs);
  state.phase = 'measuring';
  const started = performance.now();
  emit({ phase: 'measuring' } satisfies LoadEvent);
  await delay(spec.durationMs);
  state.phase = 'stopping';
  const windowMs = performance.now() - started;
  emit({ phase: 'done' } satisfies LoadEvent);
  await Promise.all(workers);
  const ms = (p: number) => (state.ok > 0 ? latency.percentile(p) / 1000 : 0);
  const result: LoadResult = {
    ok: state.ok,
    errors: 0,
    errorSamples: [],
    windowMs,
    requestsPerSecond: (state.ok / windowMs) * 1000,
    p50Ms: ms(50),
    p99Ms: ms(99),
    maxMs: state.ok > 0 ? latency.max / 1000 : 0,
    totalOk: state.totalOk,
  };
  return { info: result, close: async () => {} };
});
