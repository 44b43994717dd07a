/** Where every component reads the time from, so that tests and time-shifts control it. */
export interface Clock {
  /** Current time in milliseconds since the Unix epoch (simulated time). */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
