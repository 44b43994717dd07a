import { addFaultHits } from '@vaultover/contract';
import type { Clock, Timer } from '@vaultover/foundation';
import type { Redis } from 'ioredis';

/** How long hits wait in the region before they are added to the control Redis, ms. */
export const FAULT_TALLY_FLUSH_MS = 10;
/** After a failed write, how long until the next try, ms. */
const RETRY_MS = 1000;

/**
 * The hits of the rules a region decides alone (not decidedByCounters), added up here and written to the
 * control Redis in one round trip every {@link FAULT_TALLY_FLUSH_MS} while there are any: such a hit costs
 * a request no wait on the control Redis, and the rule's `hits` there trail the requests by about that
 * long. A write that fails is kept and tried again; a region that crashes loses what it had not written.
 */
export class FaultHitTally {
  readonly #redis: Redis;
  readonly #clock: Clock;
  readonly #onError: (error: unknown) => void;
  #pending = new Map<string, number>();
  #timer: Timer | undefined;
  #writing: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(redis: Redis, clock: Clock, onError: (error: unknown) => void) {
    this.#redis = redis;
    this.#clock = clock;
    this.#onError = onError;
  }

  /** Counts one hit of the rule `id`. */
  add(id: string): void {
    this.#pending.set(id, (this.#pending.get(id) ?? 0) + 1);
    this.#arm(FAULT_TALLY_FLUSH_MS);
  }

  /** Writes what is pending now; resolves once every write started so far is done. */
  flush(): Promise<void> {
    this.#timer?.cancel();
    this.#timer = undefined;
    if (this.#pending.size > 0) {
      const batch = this.#pending;
      this.#pending = new Map();
      // One write at a time, in order: a flush that resolves has seen every earlier hit written.
      this.#writing = this.#writing.then(() => this.#write(batch));
    }
    return this.#writing;
  }

  async #write(batch: ReadonlyMap<string, number>): Promise<void> {
    try {
      await addFaultHits(this.#redis, batch);
    } catch (error) {
      for (const [id, count] of batch) this.#pending.set(id, (this.#pending.get(id) ?? 0) + count);
      this.#onError(error);
      this.#arm(RETRY_MS);
    }
  }

  /** Writes what is pending, once; nothing is counted after. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
    this.#timer?.cancel();
  }

  #arm(delayMs: number): void {
    if (this.#timer || this.#closed) return;
    this.#timer = this.#clock.setTimeout(() => void this.flush(), delayMs);
  }
}
