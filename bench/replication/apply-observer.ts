import { type RunningChild, startChild } from '../child/start-child.ts';
import type { AppliedBatch, ObserverConfig } from './observer-child.ts';

/** `at` is in this process's performance.now() time, like every other timestamp of a window. */
export type ObservedListener = (prefix: string, seq: number, at: number) => void;

/** The applies a replica's observer child hears, delivered in this process. */
export interface ApplyObserver {
  readonly pid: number;
  onApplied(listener: ObservedListener): () => void;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;

/**
 * Starts an observer child on the replica's Redis. The child stamps each apply with the wall clock at
 * µs precision (performance.timeOrigin + now, which is what Node derives every process's
 * performance.now() from), and this side maps it back into its own performance.now().
 */
export async function startApplyObserver(name: string, config: ObserverConfig): Promise<ApplyObserver> {
  const listeners = new Set<ObservedListener>();
  const child: RunningChild<Record<string, never>> = await startChild({
    name,
    entry: new URL('./observer-child.ts', import.meta.url),
    config,
    readyTimeoutMs: START_TIMEOUT_MS,
    onEvent: (event) => {
      for (const [prefix, seq, at] of (event as AppliedBatch).applied) {
        const local = at - performance.timeOrigin;
        for (const listener of listeners) listener(prefix, seq, local);
      }
    },
  });
  return {
    pid: child.pid,
    onApplied(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop: () => child.stop(),
  };
}
