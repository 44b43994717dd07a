import type { RedisUser } from './redis-users.ts';

/** Where a provider gets its Redis servers from. */
export type RedisProviderKind = 'embedded' | 'external' | 'containers';

/** One Redis server, ready to use. */
export interface RedisInstance {
  /** The name it was started under, e.g. 'westeurope' or 'control'. */
  readonly name: string;
  /**
   * Connection URL, e.g. redis://127.0.0.1:PORT. An embedded server's carries the `admin` user's
   * credentials (for tests and operators): never print it; components connect with `urlAs`.
   */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** OS pid of the redis-server process when this provider owns it (embedded), else null. */
  readonly pid: number | null;
  /**
   * The URL a component connects with: an embedded server's as that component's own ACL user (see
   * redis-users.ts); an external or container server's is `url` whatever the user, its credentials being
   * whoever runs it's business.
   */
  urlAs(user: RedisUser): string;
}

/** Starts Redis servers by name and stops (only) what it started. */
export interface RedisProvider {
  readonly kind: RedisProviderKind;
  /** Starts (or resolves) one Redis per name, in parallel; resolves when each answers PING. */
  start(names: readonly string[]): Promise<RedisInstance[]>;
  /**
   * Embedded only (UnsupportedRedisOperationError otherwise): stops one instance, keeping its port and
   * data dir for restartInstance. SIGKILL kills redis-server itself, to simulate a crash.
   */
  stopInstance(name: string, signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Embedded only: starts a stopped (or running) instance again on the same port and data dir. */
  restartInstance(name: string): Promise<RedisInstance>;
  /** Stops everything this provider started, and only that. Idempotent. */
  stop(): Promise<void>;
}

/** Receives one line per notable event (instance ready, stopped…). */
export interface RedisLogger {
  info(message: string): void;
}

/**
 * What an embedded Redis keeps across a crash of its process (SIGKILL) and restartInstance:
 * - 'none': nothing (no RDB, no AOF). Fastest; a killed instance comes back empty.
 * - 'aof-everysec': AOF, fsynced once a second. A Redis process crash loses nothing acknowledged (the
 *   kernel still holds what was written); an OS crash or power loss may lose up to about a second.
 * - 'aof-always': AOF, fsynced before each write is acknowledged. No acknowledged write is lost on a crash
 *   of Redis or of the OS; each write costs an fsync.
 */
export type RedisDurability = 'none' | 'aof-everysec' | 'aof-always';

/** Options of createRedisProvider; every field has a default. */
export interface RedisProviderOptions {
  /** Default: env VAULTOVER_REDIS, else 'embedded'. */
  kind?: RedisProviderKind;
  /** External only. Default: env VAULTOVER_REDIS_URLS (comma-separated), assigned to names in order. */
  urls?: readonly string[] | Readonly<Record<string, string>>;
  /** Embedded only. Default 'redis-server', looked up on PATH. */
  redisServerPath?: string;
  /** Embedded only: where each instance's temp data dir is created. Default os.tmpdir(). */
  baseDir?: string;
  /**
   * Embedded only: the deployment's secret (ensureRedisSecret), from which every ACL user's password
   * derives. Default: a random one per provider, kept in memory (tests).
   */
  secret?: string;
  /** Embedded only: persistence of each instance, see RedisDurability. Default 'none'. */
  durability?: RedisDurability;
  /** Containers only. Default 'redis:7-alpine'. */
  image?: string;
  /** How long one instance may take to answer PING. Default 10000. */
  startTimeoutMs?: number;
  logger?: RedisLogger;
}
