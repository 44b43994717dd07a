import type { Clock } from '@vaultover/foundation';

/** What a pacer drives: start one call (its promise settles when it ends), and what is in flight. */
export interface PacedClient {
  launch(): Promise<void>;
  inFlight(): number;
  /** Open loop: a call was due but too many were in flight. */
  drop(): void;
}

/**
 * Open loop: `rate` calls per second whatever the answers do, as independent users arrive. A ticker on
 * the clock starts the calls due since the start (the first at once), so a late tick catches up rather
 * than drifting; ticks every 1/rate s, between 5 and 50 ms. At `maxInFlight` calls in flight, a due
 * call is dropped and counted: during an outage whose calls hang until their timeout, starting them
 * anyway would pile up calls (and sockets) without bound. Resolves when `stop` aborts.
 */
export function openLoop(
  client: PacedClient,
  options: { rate: number; maxInFlight: number; clock: Clock; stop: AbortSignal },
): Promise<void> {
  const { rate, maxInFlight, clock, stop } = options;
  const startedAt = clock.monotonicNow();
  let started = 0;
  const tick = () => {
    if (stop.aborted) return;
    const due = Math.floor(((clock.monotonicNow() - startedAt) * rate) / 1000) + 1;
    for (; started < due; started++) {
      if (client.inFlight() >= maxInFlight) client.drop();
      else void client.launch();
    }
  };
  return new Promise((resolve) => {
    if (stop.aborted) return resolve();
    const timer = clock.setInterval(tick, Math.min(50, Math.max(5, 1000 / rate)));
    stop.addEventListener(
      'abort',
      () => {
        timer.cancel();
        resolve();
      },
      { once: true },
    );
    tick();
  });
}

/**
 * Closed loop: `concurrency` workers, each starting its next call when the last one ends, as a fixed
 * pool of threads would. Never more than `concurrency` in flight, by construction. Resolves when
 * `stop` aborts and every worker's last call has ended.
 */
export async function closedLoop(
  client: PacedClient,
  options: { concurrency: number; stop: AbortSignal },
): Promise<void> {
  const worker = async () => {
    while (!options.stop.aborted) await client.launch();
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
}
