import { type Clock, systemClock } from './clock.ts';

/**
 * Settles like `promise`, or, when it has not settled within `ms`, with what `onTimeout` returns (or
 * throws). The timer never outlives the race, and a rejection of `promise` after the deadline is ignored:
 * its caller has already moved on.
 */
export async function withDeadline<T, F = never>(
  promise: Promise<T>,
  ms: number,
  onTimeout: () => F,
  clock: Clock = systemClock,
): Promise<T | F> {
  // Past the deadline the caller has moved on: a late rejection must not become an unhandled one.
  promise.catch(() => undefined);
  let timer: { cancel(): void } | undefined;
  const deadline = new Promise<F>((resolve, reject) => {
    timer = clock.setTimeout(() => {
      try {
        resolve(onTimeout());
      } catch (error) {
        reject(error);
      }
    }, ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    timer?.cancel();
  }
}
