import type { Clock, Timer } from '@vaultover/foundation';

interface Pending {
  at: number;
  fire: () => void;
  /** Set for intervals: fired again this much later. */
  every?: number;
  /** A sleep (counted by `sleeping`) rather than a timer. */
  sleep: boolean;
}

/**
 * A clock that moves only when a test says so: windows, leases and probe intervals play out without
 * real waiting, and in an order the test controls.
 */
export class ManualClock implements Clock {
  #now: number;
  #pending: Pending[] = [];

  constructor(start = Date.parse('2026-11-23T08:00:00Z')) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  monotonicNow(): number {
    return this.#now;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const entry: Pending = { at: this.#now + Math.max(0, ms), fire: resolve, sleep: true };
      this.#pending.push(entry);
      signal?.addEventListener(
        'abort',
        () => {
          this.#remove(entry);
          resolve();
        },
        { once: true },
      );
    });
  }

  setTimeout(callback: () => void, ms: number): Timer {
    return this.#timer({ at: this.#now + Math.max(0, ms), fire: callback, sleep: false });
  }

  setInterval(callback: () => void, ms: number): Timer {
    const every = Math.max(1, ms);
    return this.#timer({ at: this.#now + every, fire: callback, every, sleep: false });
  }

  /** How many sleeps are pending (a test waits for the code under test to reach its next sleep). */
  get sleeping(): number {
    return this.#pending.filter((entry) => entry.sleep).length;
  }

  /** How many timeouts and intervals are pending. */
  get timers(): number {
    return this.#pending.filter((entry) => !entry.sleep).length;
  }

  /** Moves time forward, firing what falls due in time order and letting each run until it awaits again. */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (;;) {
      this.#pending.sort((a, b) => a.at - b.at);
      const next = this.#pending[0];
      if (!next || next.at > target) break;
      this.#now = next.at;
      if (next.every === undefined) this.#pending.shift();
      else next.at += next.every;
      next.fire();
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.#now = target;
  }

  #timer(entry: Pending): Timer {
    this.#pending.push(entry);
    return { cancel: () => this.#remove(entry) };
  }

  #remove(entry: Pending): void {
    this.#pending = this.#pending.filter((other) => other !== entry);
  }
}
