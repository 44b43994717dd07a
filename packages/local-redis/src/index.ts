export { type ClusterLayout, type ClusterNodeState, readClusterLayout, slotOf } from './cluster-layout.ts';
export { createRedisProvider } from './create-redis-provider.ts';
export {
  ExternalRedisUnreachableError,
  LocalRedisError,
  type LocalRedisErrorCode,
  NoContainerRuntimeError,
  RedisConfigError,
  RedisNotInstalledError,
  RedisPortInUseError,
  RedisStartError,
  UnknownRedisInstanceError,
  UnsupportedRedisOperationError,
} from './errors.ts';
export type {
  RedisClusterNode,
  RedisDurability,
  RedisInstance,
  RedisLogger,
  RedisProvider,
  RedisProviderKind,
  RedisProviderOptions,
  RedisStartOptions,
} from './redis-provider.ts';
export {
  ensureRedisSecret,
  REDIS_SECRET_FILE,
  readRedisSecret,
  redisUrlFromEndpoints,
} from './redis-secret.ts';
export { REDIS_USER_RULES, REDIS_USERS, type RedisUser, redisPassword, redisUrlAs } from './redis-users.ts';
