import { type Clock, systemClock, type Timer } from '@vaultover/foundation';
import type { RedisClient } from '@vaultover/foundation/redis';
import { digestAll, type RawEntry, toWireEntry, trimBelowAcknowledged } from '@vaultover/replication';
import { logKeys, VAULT_INDEX_KEY } from '@vaultover/vault';
import type { Logger } from 'pino';
import type { NodeReplication, NodeReplicationStatus } from './node-replication.ts';

export interface PrimaryReplicationOptions {
  region: string;
  /** The primary's own store (its change streams): one server or a cluster. */
  redis: RedisClient;
  /** Regions replicating from this one; none ⇒ no trimming beyond the committer's own cap. */
  secondaries: readonly string[];
  trimIntervalMs: number;
  hardCap: number;
  logger: Logger;
  /** Default: the system clock. */
  clock?: Clock;
}

/**
 * The primary side: reports its own positions and digests (what secondaries must converge to), and trims
 * every vault's stream below what every secondary acknowledged, periodically (a missed pass only keeps
 * entries a little longer).
 */
export class PrimaryReplication implements NodeReplication {
  readonly #options: PrimaryReplicationOptions;
  readonly #timer: Timer | undefined;
  #trimming: Promise<void> | undefined;
  #lastError: string | null = null;
  /**
   * Each vault's newest commit time as last read. Trimming removes every acknowledged entry, so a caught-up
   * stream is empty and no longer tells its newest commit time; the status keeps reporting it from here
   * (lost on restart until the next write: the position counter survives, the time has nowhere else to be).
   */
  readonly #newestCommit = new Map<string, number>();

  constructor(options: PrimaryReplicationOptions) {
    this.#options = options;
    if (options.secondaries.length > 0) {
      this.#timer = (options.clock ?? systemClock).setInterval(() => {
        // A slow trim is not stacked under the next tick.
        this.#trimming ??= this.trimAll().finally(() => {
          this.#trimming = undefined;
        });
      }, options.trimIntervalMs);
    }
  }

  /** One trimming pass over every indexed vault; failures are logged and reported in status, never thrown. */
  async trimAll(): Promise<void> {
    const { redis, secondaries, hardCap, logger } = this.#options;
    try {
      for (const vault of await redis.zrange(VAULT_INDEX_KEY, '0', '-1')) {
        this.#remember(vault, await redis.xrevrange(logKeys(vault).stream, '+', '-', 'COUNT', 1));
        await trimBelowAcknowledged(redis, vault, { secondaries, hardCap });
      }
      this.#lastError = null;
    } catch (error) {
      this.#lastError = `trimming failed: ${(error as Error).message}`;
      logger.warn({ err: error }, 'could not trim the change streams; retrying at the next interval');
    }
  }

  async status(options: { digests: boolean }): Promise<NodeReplicationStatus> {
    const { redis, region, secondaries } = this.#options;
    const vaults = await redis.zrange(VAULT_INDEX_KEY, '0', '-1');
    let lastPosition = 0;
    let lastCommit = 0;
    // One round trip: each vault's position and its newest entry's commit time, both in the vault's slot,
    // sent at once (one pipeline over every vault would span a cluster's nodes, which ioredis refuses).
    const reads = await Promise.all(
      vaults.map(async (vault) => {
        const { stream, position } = logKeys(vault);
        const [count, newest] = await Promise.all([
          redis.get(position),
          redis.xrevrange(stream, '+', '-', 'COUNT', 1),
        ]);
        return { vault, count, newest };
      }),
    );
    for (const { vault, count, newest } of reads) {
      lastPosition += Number(count ?? 0);
      lastCommit = Math.max(lastCommit, this.#remember(vault, newest));
    }
    return {
      region,
      role: 'primary',
      state: secondaries.length > 0 && vaults.length > 0 ? 'streaming' : 'idle',
      lastPosition,
      lastCommitTime: lastCommit > 0 ? new Date(lastCommit).toISOString() : null,
      lastAppliedPosition: null,
      lastAppliedTime: null,
      lagEntries: null,
      lagSeconds: null,
      link: null,
      lastError: this.#lastError,
      digests: options.digests ? await digestAll(redis, vaults) : {},
    };
  }

  /** Records the commit time of `newest` (an XREVRANGE COUNT 1 reply) and returns the vault's newest known. */
  #remember(vault: string, newest: RawEntry[] | null): number {
    const entry = newest?.[0];
    const time = entry ? Number(toWireEntry(entry).t) || 0 : 0;
    const known = Math.max(time, this.#newestCommit.get(vault) ?? 0);
    if (known > 0) this.#newestCommit.set(vault, known);
    return known;
  }

  async close(): Promise<void> {
    this.#timer?.cancel();
    await this.#trimming;
  }
}
