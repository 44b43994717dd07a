// Bench child: hears the replica's applies (keyevent notifications) in a process that does nothing
// else, so an apply's time is taken when the notification arrives, not whenever the writer's busy
// event loop (encryption, GC) gets to it. Times go to the orchestrator in batches.
import { runAsChild } from '../child/child-protocol.ts';
import { listenForKeyEvents } from './keyevent-listener.ts';

/** What the orchestrator tells the observer. */
export interface ObserverConfig {
  url: string;
  flags: string;
  event: string;
  /** Source of a RegExp whose groups are the item's prefix and sequence number. */
  pattern: string;
}

/** One batch of applies: [prefix, seq, epoch ms] each. */
export interface AppliedBatch {
  applied: [string, number, number][];
}

// Often enough that a window's end is not held up; rarely enough that IPC costs nothing measurable.
const FLUSH_MS = 20;

runAsChild<ObserverConfig, Record<string, never>>(async (config, emit) => {
  let batch: AppliedBatch['applied'] = [];
  const stop = await listenForKeyEvents(
    config.url,
    config.flags,
    config.event,
    new RegExp(config.pattern),
    (prefix, seq, at) => batch.push([prefix, seq, at]),
  );
  const timer = setInterval(() => {
    if (batch.length === 0) return;
    emit({ applied: batch } satisfies AppliedBatch);
    batch = [];
  }, FLUSH_MS);
  return {
    info: {},
    close: async () => {
      clearInterval(timer);
      stop();
    },
  };
});
