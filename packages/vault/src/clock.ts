/** Where every component reads the time from, so that tests and time-shifts control it. */
export interface Clock {
  /** Current simulated time in milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Latest time a clock may reach: the end of year 9999, the last date every client can represent. */
export const MAX_CLOCK_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59);

export interface SimulatedClockOptions {
  /** Simulated milliseconds per real millisecond; 86400 plays a day in a second. Default 1. */
  timeScale?: number;
  /** Source of real time; injectable for tests. Default: Date.now. */
  realNow?: () => number;
}

/**
 * A clock that can run faster than real time and be shifted forward, so that a 90-day
 * soft-delete retention can play out in seconds. Listeners hear about every shift so that
 * timers set in real time (BullMQ delays) can be recomputed.
 */
export class SimulatedClock implements Clock {
  readonly timeScale: number;
  #realNow: () => number;
  #anchorReal: number;
  #anchorSim: number;
  #listeners = new Set<(shiftMs: number) => void>();

  constructor(options: SimulatedClockOptions = {}) {
    const timeScale = options.timeScale ?? 1;
    if (!(timeScale > 0) || !Number.isFinite(timeScale)) {
      throw new RangeError(`timeScale must be a positive number, got ${timeScale}`);
    }
    this.timeScale = timeScale;
    this.#realNow = options.realNow ?? Date.now;
    this.#anchorReal = this.#realNow();
    this.#anchorSim = this.#anchorReal;
  }

  now(): number {
    return Math.floor(this.#anchorSim + (this.#realNow() - this.#anchorReal) * this.timeScale);
  }

  /** Total simulated milliseconds this clock is ahead of real time. */
  get offsetMs(): number {
    return this.now() - this.#realNow();
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
