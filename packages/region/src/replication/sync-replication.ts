import { ackKey } from '@vaultover/replication';
import { logKeys, ServiceUnavailableError } from '@vaultover/vault';
import type { Redis } from 'ioredis';
import type { RegionMetrics } from '../region-metrics.ts';

export interface SyncReplicationOptions {
  region: string;
  /** The primary's own Redis: its position counters and the secondaries' acknowledgement keys. */
  redis: Redis;
  secondaries: readonly string[];
  timeoutMs: number;
  metrics: RegionMetrics;
  /** Pause between two reads of the acknowledgements. Default 2 ms. */
  pollMs?: number;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sync mode on a primary: after a write committed, wait until every secondary acknowledged (applied) the
 * vault's position as read right after the write. That position is at least the write's own (positions
 * only grow), so a concurrent write can only make the wait longer, never let it return early. The
 * acknowledgement keys are written by the secondaries' replicators after each applied batch; they are
 * polled (one MGET per round) until the deadline.
 */
export class SyncReplication {
  readonly #options: SyncReplicationOptions;

  constructor(options: SyncReplicationOptions) {
    this.#options = options;
  }

  /** Resolves once every secondary has applied `vault` up to its current position; throws a 503 after the timeout. */
  async waitForSecondaries(vault: string): Promise<void> {
    const { redis, secondaries, timeoutMs, pollMs = 2 } = this.#options;
    if (secondaries.length === 0) return;
    const position = Number((await redis.get(logKeys(vault).position)) ?? 0);
    const keys = secondaries.map((region) => ackKey(vault, region));
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const acks = await redis.mget(...keys);
      const behind = secondaries.find((_, i) => Number(acks[i] ?? 0) < position);
      if (behind === undefined) return;
      if (performance.now() >= deadline) throw this.#timedOut(behind);
      await pause(pollMs);
    }
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
