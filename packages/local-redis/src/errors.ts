import { CodedError } from '@vaultover/foundation';

/** The codes of the errors this package throws. */
export type LocalRedisErrorCode =
  | 'RedisNotInstalled'
  | 'RedisStartFailed'
  | 'RedisPortInUse'
  | 'NoContainerRuntime'
  | 'ExternalRedisUnreachable'
  | 'RedisConfigInvalid'
  | 'RedisOperationUnsupported'
  | 'RedisUnknownInstance';

/** Base of every error this package throws: `code` is stable, messages are for humans. */
export abstract class LocalRedisError extends CodedError<LocalRedisErrorCode> {}

/** The `redis-server` binary (or `redis-cli`, which creates an embedded cluster) could not be found or run. */
export class RedisNotInstalledError extends LocalRedisError {
  readonly code = 'RedisNotInstalled';

  constructor(path: string, program: 'redis-server' | 'redis-cli' = 'redis-server') {
    const debian = program === 'redis-server' ? 'redis-server' : 'redis-tools';
    super(
      `${program} not found (looked for "${path}"). Install it: apt-get install -y ${debian} ` +
        '(macOS: brew install redis), or run scripts/test / scripts/vaultover, which install it.',
    );
  }
}

/** An embedded redis-server exited early or did not become ready in time. */
export class RedisStartError extends LocalRedisError {
  readonly code = 'RedisStartFailed';
}

/** An embedded redis-server could not bind its port because something else holds it. */
export class RedisPortInUseError extends LocalRedisError {
  readonly code = 'RedisPortInUse';
}

/** The `containers` kind was asked for, but neither Docker nor Podman answers. */
export class NoContainerRuntimeError extends LocalRedisError {
  readonly code = 'NoContainerRuntime';

  constructor(options?: ErrorOptions) {
    super(
      'No container runtime found (Docker or Podman). Start one, or use VAULTOVER_REDIS=embedded ' +
        '(the default) or VAULTOVER_REDIS=external with VAULTOVER_REDIS_URLS.',
      options,
    );
  }
}

/** An external Redis URL did not answer PING. */
export class ExternalRedisUnreachableError extends LocalRedisError {
  readonly code = 'ExternalRedisUnreachable';
}

/** The options or environment variables do not describe a usable provider. */
export class RedisConfigError extends LocalRedisError {
  readonly code = 'RedisConfigInvalid';
}

/** The operation only exists for another kind of provider (e.g. stopping an external Redis). */
export class UnsupportedRedisOperationError extends LocalRedisError {
  readonly code = 'RedisOperationUnsupported';
}

/** No instance of that name was started by this provider. */
export class UnknownRedisInstanceError extends LocalRedisError {
  readonly code = 'RedisUnknownInstance';
}
