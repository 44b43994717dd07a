import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import { RedisClusterUnsupportedError } from './redis-client-error.ts';
import { parseRedisUrl } from './redis-url.ts';

/**
 * A client of a region's store: one Redis server, or a Redis Cluster. Both have every data command,
 * scripts (`defineCommand`), pipelines and pub/sub; what differs is said where it matters: a pipeline or
 * a script on a cluster may only name keys of one slot (every key of a vault carries its hash tag), a
 * SCAN goes through `scanKeys` (one per master), and `duplicate` through `duplicateRedisClient`.
 */
export type RedisClient = Redis | Cluster;

/** What callers tune on a client; the factory maps each to its place for a cluster. */
export interface RedisClientOptions {
  connectTimeout?: number;
  commandTimeout?: number;
  /** Per command, after a lost connection (null: forever, as BullMQ's blocking connections want). */
  maxRetriesPerRequest?: number | null;
  enableAutoPipelining?: boolean;
  lazyConnect?: boolean;
  enableOfflineQueue?: boolean;
  enableReadyCheck?: boolean;
  /**
   * Delay before reconnecting after the `times`-th failure, or null to give up. On a cluster it applies
   * when no node at all answers (a lost node is dropped and the layout read again from the others).
   */
  retryStrategy?: (times: number) => number | null;
}

/** A client of `url`: an ioredis `Cluster` for a `redis-cluster://` URL (redis-url.ts), else a `Redis`. */
export function createRedisClient(url: string, options: RedisClientOptions = {}): RedisClient {
  const target = parseRedisUrl(url);
  if (target.kind === 'server') return new Redis(target.url, options);
  return new Cluster(
    target.seeds.map(({ host, port }) => ({ host, port })),
    {
      ...clusterOptions(options, { username: target.username, password: target.password }),
      ...(target.natMap ? { natMap: { ...target.natMap } } : {}),
    },
  );
}

/**
 * A client of one Redis server: for what needs several slots in one step (the control Redis, whose
 * scripts span the failover state, the lease and the events). A cluster URL is refused, named as `what`.
 */
export function createServerRedisClient(url: string, what: string, options: RedisClientOptions = {}): Redis {
  const target = parseRedisUrl(url);
  if (target.kind === 'cluster') {
    throw new RedisClusterUnsupportedError(
      `${what} must be one Redis server, not a cluster (redis-cluster://)`,
    );
  }
  return new Redis(target.url, options);
}

/** Whether `client` is a cluster's. */
export function isRedisCluster(client: RedisClient): client is Cluster {
  return client instanceof Cluster;
}

/** A new client of the same server or cluster, with the same credentials and `options` over the first's. */
export function duplicateRedisClient(client: RedisClient, options: RedisClientOptions = {}): RedisClient {
  if (!isRedisCluster(client)) return client.duplicate(options);
  const { redisOptions, ...first } = client.options;
  const { username, password } = redisOptions ?? {};
  const next = clusterOptions(options, { username, password });
  return client.duplicate(undefined, {
    ...first,
    ...next,
    redisOptions: { ...redisOptions, ...next.redisOptions },
  });
}

function clusterOptions(
  options: RedisClientOptions,
  credentials: { username: string | undefined; password: string | undefined },
): ClusterOptions {
  const { connectTimeout, commandTimeout, maxRetriesPerRequest, retryStrategy, ...shared } = options;
  const node: RedisOptions = { ...credentials };
  if (connectTimeout !== undefined) node.connectTimeout = connectTimeout;
  if (commandTimeout !== undefined) node.commandTimeout = commandTimeout;
  if (maxRetriesPerRequest !== undefined) node.maxRetriesPerRequest = maxRetriesPerRequest;
  return {
    ...shared,
    redisOptions: node,
    ...(retryStrategy ? { clusterRetryStrategy: retryStrategy } : {}),
  };
}
