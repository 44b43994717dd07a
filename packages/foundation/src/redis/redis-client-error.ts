import { CodedError } from '../coded-error.ts';

/** The codes of the errors the Redis client factory throws. */
export type RedisClientErrorCode = 'RedisUrlInvalid' | 'RedisClusterUnsupported';

/** Base of the Redis client factory's errors. */
export abstract class RedisClientError extends CodedError<RedisClientErrorCode> {}

/** A Redis URL that names neither a server nor a cluster in a form we read. */
export class RedisUrlError extends RedisClientError {
  readonly code = 'RedisUrlInvalid';
}

/** A cluster URL where only one server will do (the control Redis: its scripts span several slots). */
export class RedisClusterUnsupportedError extends RedisClientError {
  readonly code = 'RedisClusterUnsupported';
}
