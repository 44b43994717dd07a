import { addFaultHits } from '@vaultover/contract';
import type { Clock } from '@vaultover/foundation';
import type { Redis } from 'ioredis';
import { PeriodicFlush } from '../periodic-flush.ts';

/** How long hits wait in the region before they are added to the control Redis, ms. */
export const FAULT_TALLY_FLUSH_MS = 10;

/**
 * The hits of the rules a region decides alone (not decidedByCounters), added up here and written to the
 * control Redis in one round trip every {@link FAULT_TALLY_FLUSH_MS} while there are any: such a hit costs
 * a request no wait on the control Redis, and the rule's `hits` there trail the requests by about that
 * long.
 */
export class FaultHitTally extends PeriodicFlush<Map<string, number>> {
  readonly #redis: Redis;
  #pending = new Map<string, number>();

  constructor(redis: Redis, clock: Clock, onError: (error: unknown) => void) {
    super({ clock, intervalMs: FAULT_TALLY_FLUSH_MS, retryMs: 1000, onError });
    this.#redis = redis;
  }

  /** Counts one hit of the rule `id`. */
  add(id: string): void {
    this.#pending.set(id, (this.#pending.get(id) ?? 0) + 1);
    this.added();
  }

  protected take(): Map<string, number> | undefined {
    if (this.#pending.size === 0) return undefined;
    const batch = this.#pending;
    this.#pending = new Map();
    return batch;
  }

  protected write(batch: Map<string, number>): Promise<void> {
    return addFaultHits(this.#redis, batch);
  }

  protected restore(batch: Map<string, number>): void {
    for (const [id, count] of batch) this.#pending.set(id, (this.#pending.get(id) ?? 0) + count);
  }
}
