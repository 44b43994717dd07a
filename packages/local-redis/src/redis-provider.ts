import type { RedisUser } from './redis-users.ts';

/**
 * Where a provider gets its Redis servers from. `cluster` is `embedded` whose region stores are each a
 * Redis Cluster (start's `stores`); every other Redis it starts (the control Redis) is one server.
 */
export type RedisProviderKind = 'embedded' | 'cluster' | 'external' | 'containers';

/** One node of an embedded cluster, as started: its port never changes, its pid does on a restart. */
export interface RedisClusterNode {
  readonly port: number;
  /** Null while the node is stopped. */
  readonly pid: number | null;
}

/** One Redis server, ready to use. */
export interface RedisInstance {
  /** The name it was started under, e.g. 'westeurope' or 'control'. */
  readonly name: string;
  /**
   * Connection URL, e.g. redis://127.0.0.1:PORT, or redis-cluster://127.0.0.1:PORT?nodes=… for a cluster
   * (`@vaultover/foundation/redis`). An embedded server's carries the `admin` user's credentials (for tests
   * and operators): never print it; components connect with `urlAs`.
   */
  readonly url: string;
  /** The server's address; a cluster's first node's. */
  readonly host: string;
  readonly port: number;
  /** OS pid of the redis-server process when this provider owns it (embedded, one server), else null. */
  readonly pid: number | null;
  /** An embedded cluster's nodes (the first three started as masters); absent for one server. */
  readonly nodes?: readonly RedisClusterNode[];
  /**
   * The URL a component connects with: an embedded server's as that component's own ACL user (see
   * redis-users.ts); an external or container server's is `url` whatever the user, its credentials being
   * whoever runs it's business.
   */
  urlAs(user: RedisUser): string;
}

/** Options of RedisProvider.start. */
export interface RedisStartOptions {
  /**
   * The names are region stores: with kind `cluster`, each is an embedded Redis Cluster (three masters,
   * one replica each). Anything else (the control Redis) is one server whatever the kind.
   */
  stores?: boolean;
}

/** Starts Redis servers by name and stops (only) what it started. */
export interface RedisProvider {
  readonly kind: RedisProviderKind;
  /** Starts (or resolves) one Redis per name, in parallel; resolves when each answers PING (a cluster: when whole). */
  start(names: readonly string[], options?: RedisStartOptions): Promise<RedisInstance[]>;
  /**
   * Embedded only (UnsupportedRedisOperationError otherwise): stops one instance (every node of a
   * cluster), keeping its ports and data dirs for restartInstance. SIGKILL kills redis-server itself, to
   * simulate a crash.
   */
  stopInstance(name: string, signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Embedded only: starts a stopped (or running) instance again on the same ports and data dirs. */
  restartInstance(name: string): Promise<RedisInstance>;
  /**
   * Embedded clusters only: stops the node of `name`'s cluster on `port`, keeping its ports and data dir.
   * SIGKILL of a master is a crash its replica is promoted over (after the cluster's node timeout).
   */
  stopClusterNode(name: string, port: number, signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Embedded clusters only: starts that node again; resolves once the cluster is whole and linked again. */
  restartClusterNode(name: string, port: number): Promise<RedisInstance>;
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
  /** Kind `cluster` only: what creates the clusters. Default 'redis-cli', looked up on PATH. */
  redisCliPath?: string;
  /**
   * Kind `cluster` only: how long a cluster node may not answer before the others count it failed and
   * promote its replica (`cluster-node-timeout`). Default 3000: a crashed master's replica takes over in
   * 5–6 s, while a node stalled by a busy machine for a second or two is not failed over.
   */
  clusterNodeTimeoutMs?: number;
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
