import type { Clock, Timer } from '@vaultover/foundation';

/**
 * Bookkeeping gathered in memory and written in one round trip `intervalMs` after the first item waiting,
 * so that it stays off the requests' path. Writes go one at a time, in order; one that fails hands its
 * batch back and is tried again `retryMs` later; a node that crashes loses what it had not written.
 */
export abstract class PeriodicFlush<Batch> {
  readonly #clock: Clock;
  readonly #intervalMs: number;
  readonly #retryMs: number;
  readonly #onError: (error: unknown) => void;
  #timer: Timer | undefined;
  #writing: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(options: {
    clock: Clock;
    intervalMs: number;
    retryMs: number;
    onError: (error: unknown) => void;
  }) {
    this.#clock = options.clock;
    this.#intervalMs = options.intervalMs;
    this.#retryMs = options.retryMs;
    this.#onError = options.onError;
  }

  /** The items waiting, taken (none wait after), or undefined when none do. */
  protected abstract take(): Batch | undefined;
  protected abstract write(batch: Batch): Promise<void>;
  /** Puts back a batch whose write failed, ahead of what came since. */
  protected abstract restore(batch: Batch): void;

  /** For subclasses, after adding an item: the write is due `intervalMs` after the first one waiting. */
  protected added(): void {
    this.#arm(this.#intervalMs);
  }

  /** Writes what waits now; resolves once every write started so far is done. */
  flush(): Promise<void> {
    this.#timer?.cancel();
    this.#timer = undefined;
    const batch = this.take();
    if (batch !== undefined) this.#writing = this.#writing.then(() => this.#write(batch));
    return this.#writing;
  }

  /** Writes what waits, once; nothing is rescheduled after. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
    this.#timer?.cancel();
  }

  async #write(batch: Batch): Promise<void> {
    try {
      await this.write(batch);
    } catch (error) {
      this.restore(batch);
      this.#onError(error);
      this.#arm(this.#retryMs);
    }
  }

  #arm(delayMs: number): void {
    if (this.#timer || this.#closed) return;
    this.#timer = this.#clock.setTimeout(() => void this.flush(), delayMs);
  }
}
