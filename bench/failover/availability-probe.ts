import { setTimeout as delay } from 'node:timers/promises';
import { createHttpsSender, type HttpsSender } from '../load/https-sender.ts';
import type { LoadSpec } from '../load/load-spec.ts';

// A client of the global endpoint that asks every few milliseconds and writes down what it got: the
// timeline the unavailability figures are read from. One request at a time, keep-alive, like an
// application's own polling, not a load.

/** One answer (or network error), stamped with the wall clock (ms since the epoch, fractional). */
export interface Sample {
  sentAt: number;
  doneAt: number;
  ok: boolean;
  /** HTTP status; 0 for a network error or timeout. */
  status: number;
}

export interface AvailabilityProbe {
  readonly samples: Sample[];
  /** Stops after the request in flight; resolves when it has. */
  stop(): Promise<void>;
}

/** Wall-clock now with sub-millisecond precision, comparable with the control process's times. */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

// An answer that takes this long counts as a failure (the gateway answers a window at once).
const REQUEST_TIMEOUT_MS = 5000;

/** Sends `spec` every `intervalMs` (or right after the previous answer when that took longer). */
export function startProbe(spec: LoadSpec, intervalMs: number, body: (n: number) => string | undefined) {
  const sender = createHttpsSender({ ...spec, connections: 1 });
  const samples: Sample[] = [];
  let running = true;
  const loop = (async () => {
    for (let n = 0; running; n++) {
      const sentAt = wallNow();
      samples.push(await sendOnce(sender, body(n), sentAt));
      const wait = intervalMs - (wallNow() - sentAt);
      if (wait > 0) await delay(wait);
    }
  })();
  const probe: AvailabilityProbe = {
    samples,
    stop: async () => {
      running = false;
      await loop;
      sender.close();
    },
  };
  return probe;
}

async function sendOnce(sender: HttpsSender, body: string | undefined, sentAt: number): Promise<Sample> {
  try {
    const outcome = await withTimeout(sender.send(body));
    const ok = outcome.status >= 200 && outcome.status < 300;
    return { sentAt, doneAt: wallNow(), ok, status: outcome.status };
  } catch {
    return { sentAt, doneAt: wallNow(), ok: false, status: 0 };
  }
}

async function withTimeout<T extends { status: number }>(answer: Promise<T>): Promise<{ status: number }> {
  const cancel = new AbortController();
  try {
    // The race handles the timer's rejection when it is cancelled.
    const timedOut = delay(REQUEST_TIMEOUT_MS, { status: 0 }, { signal: cancel.signal });
    return await Promise.race([answer, timedOut]);
  } finally {
    cancel.abort();
  }
}

/** An outage seen by a probe: from the first failed answer to the first good one after it. */
export interface Outage {
  /** When the first failed answer arrived. */
  firstFailureAt: number;
  /** When the first good answer after it arrived; undefined if none came. */
  recoveredAt: number | undefined;
  failures: number;
}

/** The first outage whose first failure arrived at or after `from`; undefined if none. */
export function outageAfter(samples: readonly Sample[], from: number): Outage | undefined {
  const start = samples.findIndex((s) => s.doneAt >= from && !s.ok);
  if (start < 0) return undefined;
  const first = samples[start] as Sample;
  const end = samples.findIndex((s, i) => i > start && s.ok);
  const recovered = end < 0 ? undefined : samples[end];
  const failures = (end < 0 ? samples.length : end) - start;
  return { firstFailureAt: first.doneAt, recoveredAt: recovered?.doneAt, failures };
}

/** Failed answers that arrived in [from, to). */
export function failuresBetween(samples: readonly Sample[], from: number, to: number): number {
  return samples.filter((s) => !s.ok && s.doneAt >= from && s.doneAt < to).length;
}
