/**
 * The one source of time. Everything whose behaviour depends on time (windows, leases, probe intervals,
 * timeouts, dates written into the vault, toxics on a link) reads it from a Clock handed to it, so that a
 * test can drive it with a manual clock and the simulator can run the vault's dates faster than real time.
 * Times are milliseconds; ISO strings exist only on the wire.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch: the time things are dated with. */
  now(): number;
  /** Milliseconds on a scale that never jumps (wall-clock corrections do not move it): for durations. */
  monotonicNow(): number;
  /** Resolves after `ms` (at once when `ms` ≤ 0), or early and without error when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Calls `callback` once, after `ms`. */
  setTimeout(callback: () => void, ms: number): Timer;
  /** Calls `callback` every `ms` until cancelled. */
  setInterval(callback: () => void, ms: number): Timer;
}

/** A pending timeout or interval. */
export interface Timer {
  /** Stops it; harmless when it already fired or was cancelled. */
  cancel(): void;
}

/** Real time: Date.now, performance.now and Node's timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonicNow: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        signal?.removeEventListener('abort', done);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal?.addEventListener('abort', done, { once: true });
    }),
  setTimeout: (callback, ms) => {
    const timer = setTimeout(callback, Math.max(0, ms));
    return { cancel: () => clearTimeout(timer) };
  },
  setInterval: (callback, ms) => {
    const timer = setInterval(callback, ms);
    return { cancel: () => clearInterval(timer) };
  },
};
