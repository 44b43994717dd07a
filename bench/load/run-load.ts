import { setTimeout as delay } from 'node:timers/promises';
import { createHttpsSender, type HttpsSender, type Outcome } from './https-sender.ts';
import type { LoadEvent, LoadResult, LoadSpec } from './load-spec.ts';
import { timeWindow, WindowTally } from './load-window.ts';

// After a network error, wait a little so a dead server does not turn the workers into a busy loop.
const ERROR_BACKOFF_MS = 20;

/**
 * Closed-loop load: `connections` workers each send a request, wait for the whole response and
 * send the next, over a keep-alive agent with one socket per worker. Counts what completes in
 * the measured window that follows the warm-up.
 */
export async function runLoad(spec: LoadSpec, onEvent: (event: LoadEvent) => void): Promise<LoadResult> {
  const sender = createHttpsSender(spec);
  const tally = new WindowTally();
  const sequence = { next: 0 };
  const workers = Array.from({ length: spec.connections }, () => worker(spec, sender, tally, sequence));
  const { windowMs } = await timeWindow(spec, tally, onEvent);
  await Promise.all(workers);
  sender.close();
  return tally.result(windowMs);
}

async function worker(
  spec: LoadSpec,
  sender: HttpsSender,
  tally: WindowTally,
  sequence: { next: number },
): Promise<void> {
  while (tally.phase !== 'stopping') {
    const body =
      spec.body ?? (spec.valueBytes === undefined ? undefined : secretBody(sequence.next++, spec.valueBytes));
    const started = performance.now();
    try {
      record(tally, await sender.send(body), performance.now() - started);
    } catch (error) {
      tally.failure(`network error: ${(error as Error).message}`);
      await delay(ERROR_BACKOFF_MS);
    }
  }
}

function record(tally: WindowTally, outcome: Outcome, elapsedMs: number): void {
  if (outcome.status >= 200 && outcome.status < 300) tally.success(elapsedMs);
  else tally.failure(`HTTP ${outcome.status}: ${outcome.errorBody ?? ''}`);
}

/** A unique value of exactly `bytes` ASCII characters, so every PUT writes a new version. */
function secretBody(sequence: number, bytes: number): string {
  const value = `${sequence}:`.padEnd(bytes, 'x').slice(0, bytes);
  return JSON.stringify({ value });
}
