import { createRedisClient, type RedisClient } from '@vaultover/foundation/redis';
import { digestAll, Replicator } from '@vaultover/replication';
import { VAULT_INDEX_KEY } from '@vaultover/vault';
import type { Logger } from 'pino';
import type { RegionMetrics } from '../region-metrics.ts';
import type { NodeReplication, NodeReplicationStatus } from './node-replication.ts';

export interface SecondaryReplicationOptions {
  region: string;
  /** The secondary's own Redis URL: the replicator gets a client of its own (its scripts). */
  redisUrl: string;
  /** The primary's Redis, or the link proxy in front of it; undefined ⇒ a standby that replicates nothing yet. */
  primaryRedisUrl: string | undefined;
  metrics: RegionMetrics;
  logger: Logger;
}

/**
 * The secondary side: runs the Replicator from the primary's Redis into this region's, feeds the
 * replication metrics from its events, and reports its status.
 *
 * The data plane's vault cache (VaultRegistry) needs no invalidation on lifecycle entries here: a
 * secondary's registry does not cache (region-node.ts starts it with `cacheVaults: false`), so a
 * failed-over, read-only secondary reads each vault's properties from its Redis, as replicated.
 */
export class SecondaryReplication implements NodeReplication {
  readonly #options: SecondaryReplicationOptions;
  readonly #redis: RedisClient;
  readonly #replicator: Replicator | undefined;

  constructor(options: SecondaryReplicationOptions) {
    this.#options = options;
    const { region, metrics, logger, primaryRedisUrl } = options;
    // Auto-pipelining: the replicator applies the batches of several vaults at once. A cluster store is
    // written a vault at a time, each vault's keys in one slot.
    this.#redis = createRedisClient(options.redisUrl, {
      maxRetriesPerRequest: 2,
      connectTimeout: 2000,
      enableAutoPipelining: true,
    });
    this.#redis.on('error', () => metrics.redisErrors.inc());
    if (primaryRedisUrl === undefined) return;
    const replicator = new Replicator({
      region,
      // A fresh client per connection, failing fast: the replicator owns reconnection (with back-off),
      // and a client retrying on its own would hide a partition behind its queue.
      primary: () =>
        createRedisClient(primaryRedisUrl, {
          maxRetriesPerRequest: 1,
          retryStrategy: () => null,
          connectTimeout: 2000,
          enableAutoPipelining: true,
        }),
      secondary: this.#redis,
    });
    replicator.on('applied', ({ applied, lagMs }) => {
      metrics.replicationApplied.inc(applied);
      metrics.replicationApplyLag.observe(Math.max(0, lagMs) / 1000);
    });
    replicator.on('resync', ({ vault, position, keys }) => {
      metrics.replicationResyncs.inc();
      logger.info({ vault, position, keys }, 'vault fully resynced from a snapshot of the primary');
    });
    replicator.on('vault-stopped', ({ vault, error }) =>
      logger.error(
        { vault, err: error },
        'replication of the vault stopped on bad data; it needs an operator',
      ),
    );
    replicator.on('link', ({ up, error }) => {
      if (up) logger.info('replication link up');
      else logger.warn({ err: error }, 'replication link down; reconnecting with back-off');
    });
    this.#replicator = replicator;
    replicator.start();
  }

  async status(options: { digests: boolean }): Promise<NodeReplicationStatus> {
    const { region } = this.#options;
    if (!this.#replicator) {
      const vaults = options.digests ? await this.#redis.zrange(VAULT_INDEX_KEY, '0', '-1') : [];
      return {
        region,
        role: 'secondary',
        state: 'idle',
        lastPosition: null,
        lastCommitTime: null,
        lastAppliedPosition: null,
        lastAppliedTime: null,
        lagEntries: null,
        lagSeconds: null,
        link: 'down',
        lastError: null,
        digests: options.digests ? await digestAll(this.#redis, vaults) : {},
      };
    }
    // Only the documented fields: the replicator's counters and per-vault detail go to metrics and logs.
    const {
      appliedTotal: _applied,
      resyncsTotal: _resyncs,
      vaults: _vaults,
      ...fields
    } = await this.#replicator.status(options);
    return fields;
  }

  async close(): Promise<void> {
    await this.#replicator?.stop();
    this.#redis.disconnect();
  }
}
