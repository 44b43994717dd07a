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
  RedisDurability,
  RedisInstance,
  RedisLogger,
  RedisProvider,
  RedisProviderKind,
  RedisProviderOptions,
} from './redis-provider.ts';
