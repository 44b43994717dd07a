import { CodedError } from '@vaultover/foundation';

/** Base of every error this package throws: `code` is stable, messages are for humans. */
export abstract class LocalRedisError extends CodedError {}

/** The `redis-server` binary could not be found or run. */
export class RedisNotInstalledError extends LocalRedisError {
  readonly code = 'REDIS_NOT_INSTALLED';

  constructor(redisServerPath: string) {
    super(
      `redis-server not found (looked for "${redisServerPath}"). Install it: apt-get install -y redis-server ` +
        '(macOS: brew install redis), or run scripts/test / scripts/vaultover, which install it.',
    );
  }
}

/** An embedded redis-server exited early or did not become ready in time. */
export class RedisStartError extends LocalRedisError {
  readonly code = 'REDIS_START_FAILED';
}

/** An embedded redis-server could not bind its port because something else holds it. */
export class RedisPortInUseError extends LocalRedisError {
  readonly code = 'REDIS_PORT_IN_USE';
}

/** The `containers` kind was asked for, but neither Docker nor Podman answers. */
export class NoContainerRuntimeError extends LocalRedisError {
  readonly code = 'NO_CONTAINER_RUNTIME';

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
  readonly code = 'EXTERNAL_REDIS_UNREACHABLE';
}

/** The options or environment variables do not describe a usable provider. */
export class RedisConfigError extends LocalRedisError {
  readonly code = 'REDIS_CONFIG_INVALID';
}

/** The operation only exists for another kind of provider (e.g. stopping an external Redis). */
export class UnsupportedRedisOperationError extends LocalRedisError {
  readonly code = 'REDIS_OPERATION_UNSUPPORTED';
}

/** No instance of that name was started by this provider. */
export class UnknownRedisInstanceError extends LocalRedisError {
  readonly code = 'REDIS_UNKNOWN_INSTANCE';
}
