import { ACK_CHANNEL } from '@vaultover/contract';
import { type Clock, systemClock, type Timer } from '@vaultover/foundation';
import { duplicateRedisClient, type RedisClient } from '@vaultover/foundation/redis';
import { ackKey } from '@vaultover/replication';
import { logKeys, ServiceUnavailableError } from '@vaultover/vault';
import type { RegionMetrics } from '../region-metrics.ts';

export interface SyncReplicationOptions {
  region: string;
  /** The primary's own store: its position counters and the secondaries' acknowledgement keys. */
  redis: RedisClient;
  secondaries: readonly string[];
  timeoutMs: number;
  metrics: RegionMetrics;
  /** Re-read the acknowledgements this often even without an announcement (one lost is no hang). Default 50. */
  fallbackPollMs?: number;
  /** Default: the system clock. */
  clock?: Clock;
}

interface Waiter {
  vault: string;
  /** The secondaries' acknowledgement keys of the vault: all in the vault's slot. */
  keys: readonly string[];
  position: number;
  resolve(): void;
  reject(error: Error): void;
}

/**
 * Sync mode on a primary: after a write committed, wait until every secondary acknowledged (applied) the
 * vault's position as read right after the write. That position is at least the write's own (positions
 * only grow), so a concurrent write can only make the wait longer, never let it return early.
 *
 * Replicators announce each acknowledgement on ACK_CHANNEL; every announcement (or, in case one was
 * lost, every fallbackPollMs) triggers ONE read of the acknowledgements of all waiting writes, however
 * many there are, rather than each write polling on its own.
 */
export class SyncReplication {
  /** Settles once the announcements are subscribed to (until then only the fallback poll wakes writes). */
  readonly ready: Promise<void>;
  readonly #options: SyncReplicationOptions;
  readonly #subscriber: RedisClient;
  readonly #waiters = new Set<Waiter>();
  readonly #clock: Clock;
  #checking = false;
  #checkAgain = false;
  #fallback: Timer | undefined;

  constructor(options: SyncReplicationOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#subscriber = duplicateRedisClient(options.redis, { enableAutoPipelining: false });
    // The subscriber reconnects on its own, and while it cannot (or cannot subscribe) the fallback
    // poll of #schedule still sees every acknowledgement: neither failure needs more than a slower wake.
    this.#subscriber.on('error', () => {});
    this.#subscriber.on('message', () => this.#check());
    this.ready = this.#subscriber.subscribe(ACK_CHANNEL).then(
      () => undefined,
      () => undefined,
    );
  }

  /** Resolves once every secondary has applied `vault` up to its current position; throws a 503 after the timeout. */
  async waitForSecondaries(vault: string): Promise<void> {
    const { redis, secondaries, timeoutMs } = this.#options;
    if (secondaries.length === 0) return;
    const position = Number((await redis.get(logKeys(vault).position)) ?? 0);
    const keys = secondaries.map((region) => ackKey(vault, region));
    await new Promise<void>((resolve, reject) => {
      const timer = this.#clock.setTimeout(() => {
        this.#waiters.delete(waiter);
        void this.#behind(waiter).then((behind) => reject(this.#timedOut(behind ?? secondaries[0] ?? '')));
      }, timeoutMs);
      const waiter: Waiter = {
        vault,
        keys,
        position,
        resolve: () => {
          timer.cancel();
          resolve();
        },
        reject,
      };
      this.#waiters.add(waiter);
      this.#schedule();
      this.#check();
    });
  }

  async close(): Promise<void> {
    this.#fallback?.cancel();
    this.#subscriber.disconnect();
  }

  #schedule(): void {
    this.#fallback ??= this.#clock.setInterval(() => this.#check(), this.#options.fallbackPollMs ?? 50);
  }

  /**
   * One read for every waiting write (one MGET per vault, sent at once: a vault's keys share its slot,
   * two vaults' may be on two nodes of a cluster); a check asked for while one runs runs right after it.
   */
  #check(): void {
    if (this.#waiters.size === 0) return;
    if (this.#checking) {
      this.#checkAgain = true;
      return;
    }
    this.#checking = true;
    const waiters = [...this.#waiters];
    const keysByVault = new Map<string, Set<string>>();
    for (const waiter of waiters) {
      const keys = keysByVault.get(waiter.vault) ?? new Set();
      for (const key of waiter.keys) keys.add(key);
      keysByVault.set(waiter.vault, keys);
    }
    Promise.all(
      [...keysByVault.values()].map(async (set) => {
        const keys = [...set];
        const values = await this.#options.redis.mget(...keys);
        return keys.map((key, i) => [key, Number(values[i] ?? 0)] as const);
      }),
    )
      .then((reads) => {
        const acked = new Map(reads.flat());
        for (const waiter of waiters) {
          if (waiter.keys.every((key) => (acked.get(key) ?? 0) >= waiter.position)) {
            this.#waiters.delete(waiter);
            waiter.resolve();
          }
        }
      })
      .catch(() => {}) // the primary's Redis hiccupped: the next announcement or poll reads again
      .finally(() => {
        this.#checking = false;
        if (this.#waiters.size === 0) {
          this.#fallback?.cancel();
          this.#fallback = undefined;
        }
        if (this.#checkAgain) {
          this.#checkAgain = false;
          this.#check();
        }
      });
  }

  /** The first secondary still behind `waiter`, for the refusal's message. */
  async #behind(waiter: Waiter): Promise<string | undefined> {
    const values = await this.#options.redis.mget(...waiter.keys).catch(() => [] as (string | null)[]);
    return this.#options.secondaries.find((_, i) => Number(values[i] ?? 0) < waiter.position);
  }

  #timedOut(secondary: string): ServiceUnavailableError {
    const { region, timeoutMs, metrics } = this.#options;
    metrics.replicationSyncTimeouts.inc();
    return new ServiceUnavailableError(
      `The write was committed in region ${region} but not replicated to ${secondary} within ${timeoutMs} ms ` +
        '(sync replication); it is not acknowledged. Retry, or check the replication link.',
    );
  }
}
