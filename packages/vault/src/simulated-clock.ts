import { type Clock, systemClock, type Timer } from '@vaultover/foundation';

/** Latest time a clock may reach: the end of year 9999, the last date every client can represent. */
export const MAX_CLOCK_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59);

export interface SimulatedClockOptions {
  /** Simulated milliseconds per real millisecond; 86400 plays a day in a second. Default 1. */
  timeScale?: number;
  /** The real clock it runs on; a manual clock in tests. Default: the system clock. */
  base?: Clock;
}

/**
 * The vault's time: it can run faster than real time and be shifted forward, so that a 90-day soft-delete
 * retention can play out in seconds. Every duration it takes or gives is in simulated milliseconds (a
 * sleep of a simulated day lasts a real second at 86400), and its monotonic scale runs at the same rate
 * but ignores shifts. Listeners hear about every shift so that timers set in real time (BullMQ delays)
 * can be recomputed.
 */
export class SimulatedClock implements Clock {
  readonly timeScale: number;
  readonly #base: Clock;
  readonly #anchorReal: number;
  #anchorSim: number;
  #listeners = new Set<(shiftMs: number) => void>();

  constructor(options: SimulatedClockOptions = {}) {
    const timeScale = options.timeScale ?? 1;
    if (!(timeScale > 0) || !Number.isFinite(timeScale)) {
      throw new RangeError(`timeScale must be a positive number, got ${timeScale}`);
    }
    this.timeScale = timeScale;
    this.#base = options.base ?? systemClock;
    this.#anchorReal = this.#base.now();
    this.#anchorSim = this.#anchorReal;
  }

  now(): number {
    return Math.floor(this.#anchorSim + (this.#base.now() - this.#anchorReal) * this.timeScale);
  }

  monotonicNow(): number {
    return this.#base.monotonicNow() * this.timeScale;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.#base.sleep(this.toRealMs(ms), signal);
  }

  setTimeout(callback: () => void, ms: number): Timer {
    return this.#base.setTimeout(callback, this.toRealMs(ms));
  }

  setInterval(callback: () => void, ms: number): Timer {
    return this.#base.setInterval(callback, Math.max(1, this.toRealMs(ms)));
  }

  /** Total simulated milliseconds this clock is ahead of real time. */
  get offsetMs(): number {
    return this.now() - this.#base.now();
  }

  /** Moves simulated time forward by `ms` (time never runs backwards). */
  shift(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms))
      throw new RangeError(`time can only be shifted forward, got ${ms} ms`);
    this.#anchorSim += ms;
    for (const listener of this.#listeners) listener(ms);
  }

  /** Converts a simulated duration into the real milliseconds it takes to pass. */
  toRealMs(simulatedMs: number): number {
    return Math.max(0, Math.ceil(simulatedMs / this.timeScale));
  }

  onShift(listener: (shiftMs: number) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
