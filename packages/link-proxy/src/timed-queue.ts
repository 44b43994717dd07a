import type { Clock, Timer } from '@vaultover/foundation';

/**
 * Holds chunks until their release time and emits them in arrival order. Release times are made
 * non-decreasing on entry, so jitter can never reorder a byte stream. One timer runs at a time.
 */
export class TimedQueue {
  readonly #clock: Clock;
  readonly #items: { releaseAt: number; chunk: Buffer; next: (chunk: Buffer) => void }[] = [];
  #timer: Timer | null = null;
  #lastReleaseAt = Number.NEGATIVE_INFINITY;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** The release time of the last queued chunk (or -Infinity), for rate-based toxics. */
  get lastReleaseAt(): number {
    return this.#lastReleaseAt;
  }

  push(releaseAt: number, chunk: Buffer, next: (chunk: Buffer) => void): void {
    this.#lastReleaseAt = Math.max(releaseAt, this.#lastReleaseAt);
    this.#items.push({ releaseAt: this.#lastReleaseAt, chunk, next });
    if (this.#timer === null) this.#arm();
  }

  /** Emits everything held, now, in order (through `next`, or the pushed callbacks when omitted). */
  flush(next?: (chunk: Buffer) => void): void {
    this.#timer?.cancel();
    this.#timer = null;
    for (const item of this.#items.splice(0)) (next ?? item.next)(item.chunk);
  }

  #arm(): void {
    const head = this.#items[0];
    if (!head) return;
    const delay = Math.max(0, head.releaseAt - this.#clock.monotonicNow());
    this.#timer = this.#clock.setTimeout(() => this.#release(), delay);
  }

  #release(): void {
    this.#timer = null;
    const now = this.#clock.monotonicNow();
    while (this.#items[0] && this.#items[0].releaseAt <= now) {
      const item = this.#items.shift();
      item?.next(item.chunk);
    }
    this.#arm();
  }
}
