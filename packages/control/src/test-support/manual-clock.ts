import type { ControlClock } from '../clock/control-clock.ts';

interface Sleeper {
  at: number;
  resolve: () => void;
}

/** A clock that moves only when a test says so: windows and probe intervals without real waiting. */
export class ManualClock implements ControlClock {
  #now: number;
  #sleepers: Sleeper[] = [];

  constructor(start = Date.parse('2026-11-23T08:00:00Z')) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const sleeper = { at: this.#now + Math.max(0, ms), resolve };
      this.#sleepers.push(sleeper);
      signal?.addEventListener(
        'abort',
        () => {
          this.#sleepers = this.#sleepers.filter((s) => s !== sleeper);
          resolve();
        },
        { once: true },
      );
    });
  }

  /** How many sleeps are pending (a test waits for the code under test to reach its next sleep). */
  get sleeping(): number {
    return this.#sleepers.length;
  }

  /** Moves time forward, waking sleepers in time order and letting each run until it awaits again. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (;;) {
      this.#sleepers.sort((a, b) => a.at - b.at);
      const next = this.#sleepers[0];
      if (!next || next.at > target) break;
      this.#sleepers.shift();
      this.#now = next.at;
      next.resolve();
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.#now = target;
  }
}
