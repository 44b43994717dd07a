// How Vaultover reaches Redis: one factory for every client, which gives an ioredis `Cluster` for a
// `redis-cluster://` URL and a `Redis` otherwise, the URL form itself, and SCAN on either. Apart from
// the package's main entry because it loads ioredis, which most importers of foundation never need.
export {
  createRedisClient,
  createServerRedisClient,
  duplicateRedisClient,
  isRedisCluster,
  type RedisClient,
  type RedisClientOptions,
} from './redis-client.ts';
export {
  RedisClientError,
  type RedisClientErrorCode,
  RedisClusterUnsupportedError,
  RedisUrlError,
} from './redis-client-error.ts';
export {
  CLUSTER_SCHEME,
  clusterUrl,
  isClusterUrl,
  nodeUrl,
  parseRedisUrl,
  type RedisNodeAddress,
  type RedisTarget,
} from './redis-url.ts';
export { redisNodesOf, redisUrlThrough } from './redis-url-through.ts';
export { scanKeys } from './scan-keys.ts';
