import type { RedisClient } from '@vaultover/foundation/redis';
import type { ClusterLayout, RedisInstance, RedisProvider, RedisUser } from '@vaultover/local-redis';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { pollUntil } from './poll.ts';

// Redis and its client are imported when a test first asks for a server, not when the testkit is
// imported: most test files that use the testkit need neither, and every file pays its imports.
const redisModules = async () => {
  const [{ createRedisProvider, readClusterLayout }, { createRedisClient, createServerRedisClient }] =
    await Promise.all([import('@vaultover/local-redis'), import('@vaultover/foundation/redis')]);
  return { createRedisProvider, readClusterLayout, createRedisClient, createServerRedisClient };
};

/** Crashing one node of a test's Redis Cluster, and bringing it back. */
export interface TestCluster {
  /** Which node serves what now, as the first node that answers says. */
  layout(): Promise<ClusterLayout>;
  /** SIGKILLs one node (by port), keeping its port and data dir for restartNode. */
  killNode(port: number): Promise<void>;
  /**
   * SIGKILLs the master that serves `key`'s slot and resolves once the cluster has promoted its replica
   * (a few seconds: the cluster's node timeout, then an election); returns the killed node's port.
   */
  killMasterOf(key: string): Promise<number>;
  /** Starts a killed node again on its port and data dir; resolves once the cluster is whole again. */
  restartNode(port: number): Promise<void>;
}

/** One Redis server, or one Redis Cluster (a region store under VAULTOVER_REDIS=cluster), for one test file. */
export interface TestRedis {
  /** Connection URL as admin (for `external`, with the file's database number appended; a cluster's is redis-cluster://). */
  readonly url: string;
  readonly kind: RedisProvider['kind'];
  /**
   * A new ioredis client on this file's database, or on database `db` of the same server (for
   * scratch data); closed by stop(). One server only: a cluster has one database and needs storeClient().
   */
  client(db?: number): Redis;
  /** The URL as one of the deployment's users (RedisInstance.urlAs): an embedded Redis's own ACL user. */
  urlAs(user: RedisUser): string;
  /** A new client of this Redis, one server or a cluster (what a region node's store client is); closed by stop(). */
  storeClient(): RedisClient;
  /** Present when this Redis is a cluster: crash and restart its nodes. */
  readonly cluster: TestCluster | undefined;
  /** Closes the clients and stops the server if this file started it. */
  stop(): Promise<void>;
}

export interface TestRedisOptions {
  /**
   * Without it the server is always an embedded one of this file's own, whatever VAULTOVER_REDIS says
   * (for state that cannot share a server, such as the single failover record of a control Redis).
   *
   * Database used when VAULTOVER_REDIS=external, where every test file shares the same server:
   * give each file its own number (1–15) so that files running in parallel do not see each
   * other's vaults and purge queues. Ignored by `embedded` and `containers` (one server per file).
   * In use: secrets-sdk 1, wire 2 (+7, +10 for its extra nodes), bad-input 3, change-log 4 (+5 as
   * its replay database), encryption-at-rest 6, purge-scheduler 8; vault-management-rest 0;
   * vault-management-sdk 9, shared with vault-restart and vault-lifecycle (no time shifts there, own vault
   * names, own queue prefix for vault-lifecycle, which replays into 0 under names of its own).
   * Keys: keys-sdk 11, keys-crypto-sdk 12, keys-private-material 13, keys-bad-input 14,
   * key-change-log 15 (replaying into 5 under vault names of its own, `kcl-*`).
   * Certificates: certificates-sdk and certificates-lifecycle-sdk 9 (own certificate names, no time
   * shifts), certificates-bad-input 3 (in a vault of its own, `certbad`), certificate-change-log 15
   * (vault names `ccl-*`, replaying into 5).
   * Propagation delays: propagation-sdk and certificate-creation-delay-sdk 3 (object names `settling-*`,
   * `recreated-*`, `delayed-*`; their time shifts are of minutes, far below any retention).
   * Read-only mode: read-only-mode 3 (vault `romode`, ARM vaults `roarm*`/`rogone*`/`ronew*`, object
   * names suffixed per run; no time shifts).
   * Fault rules: fault-rules 3 (secret names `fr-*`, keys `fr-*`, vault `frother`; no time shifts; its
   * control Redis is embedded, its own).
   * Global endpoint: gateway and gateway-windows 3 (secret names `gw-*` and `gww-*`, vault `gw-vault`; no
   * time shifts). The data-plane fuzzer 3 (its node serves only the vault `fuzzvault`; no time shifts).
   * Failover stack (failover-stack.ts: fencing, purges-wait, rpo, control-api, faults-gateway-sdk with
   * secret and key `fgs-*`): primary 7 and secondary 10 (as region-pair), control 6 (as control-link; the
   * control Redis holds only `vo:control:*` keys and the control process's BullMQ queue, which no vault
   * key collides with). They share the default vault `vaultover` and the single failover state key, so
   * under `external` these files and the region-pair and control-link files must not run at the same
   * time (embedded gives each file its own servers).
   */
  externalDb?: number;
  /**
   * This Redis is a region's store: under VAULTOVER_REDIS=cluster it is an embedded Redis Cluster (three
   * masters, one replica each), so the files that say so run once more against clustered stores.
   */
  store?: boolean;
  /** A Redis Cluster whatever VAULTOVER_REDIS says: tests of a cluster store itself. */
  cluster?: boolean;
}

/**
 * Whether this run's region stores are Redis Clusters: VAULTOVER_REDIS=cluster, the pass of the replication
 * and failover suites against clustered stores (vitest.cluster.config.ts).
 */
export function clusteredStores(): boolean {
  return process.env.VAULTOVER_REDIS?.trim() === 'cluster';
}

/**
 * The VAULTOVER_REDIS a test gives the `vaultover up` it starts: embedded (never a shared external Redis,
 * where two deployments' failover states would collide), with clustered stores in the cluster pass.
 */
export function deploymentRedisMode(): 'embedded' | 'cluster' {
  return clusteredStores() ? 'cluster' : 'embedded';
}

/**
 * Starts this file's Redis with createRedisProvider, which honours VAULTOVER_REDIS
 * (embedded by default: a redis-server child on a free port, gone after stop()); a store under
 * VAULTOVER_REDIS=cluster, or one asked for as a cluster, is an embedded Redis Cluster.
 */
export async function startTestRedis(name: string, options: TestRedisOptions = {}): Promise<TestRedis> {
  const modules = await redisModules();
  const { createRedisProvider, createRedisClient, createServerRedisClient } = modules;
  const clustered = options.cluster === true || (options.store === true && clusteredStores());
  const provider = clustered
    ? createRedisProvider({ kind: 'cluster' })
    : createRedisProvider(options.externalDb === undefined ? { kind: 'embedded' } : undefined);
  const [instance] = await provider.start([name], { stores: clustered });
  if (!instance) throw new Error('the Redis provider started no instance');
  const server = instance.url.replace(/\/\d*$/, '');
  const url = provider.kind === 'external' ? `${server}/${options.externalDb}` : instance.url;
  const clients: RedisClient[] = [];
  const track = <C extends RedisClient>(client: C): C => {
    clients.push(client);
    return client;
  };
  return {
    url,
    kind: provider.kind,
    client(db?: number) {
      const target = db === undefined ? url : `${server}/${db}`;
      return track(
        createServerRedisClient(target, 'TestRedis.client (a cluster: use storeClient)', {
          maxRetriesPerRequest: 2,
        }),
      );
    },
    urlAs: (user) => (provider.kind === 'external' ? url : instance.urlAs(user)),
    storeClient: () => track(createRedisClient(url, { maxRetriesPerRequest: 2 })),
    cluster: instance.nodes ? testCluster(provider, instance, modules.readClusterLayout) : undefined,
    async stop() {
      await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
      await provider.stop();
    },
  };
}

/** What a test does to its cluster. */
function testCluster(
  provider: RedisProvider,
  instance: RedisInstance,
  readLayout: (url: string) => Promise<ClusterLayout>,
): TestCluster {
  return {
    layout: () => readLayout(instance.url),
    killNode: (port) => provider.stopClusterNode(instance.name, port, 'SIGKILL'),
    killMasterOf: (key) => killClusterMaster(provider, instance, key),
    async restartNode(port) {
      await provider.restartClusterNode(instance.name, port);
    },
  };
}

/**
 * SIGKILLs the master of `instance` (a cluster `provider` started) that serves `key`'s slot, and resolves
 * once the cluster has promoted its replica, as any node sees it: the layout names another live master
 * for the slot (a few seconds: the cluster's node timeout, then an election). Returns the killed node's
 * port, for `provider.restartClusterNode`.
 */
export async function killClusterMaster(
  provider: RedisProvider,
  instance: RedisInstance,
  key: string,
): Promise<number> {
  const { readClusterLayout } = await redisModules();
  const master = (await readClusterLayout(instance.url)).masterOf(key);
  if (!master) throw new Error(`no live master serves ${key}`);
  await provider.stopClusterNode(instance.name, master.port, 'SIGKILL');
  await pollUntil(
    `the replica of the killed master ${master.port} is promoted`,
    async () => {
      const serving = await readClusterLayout(instance.url).then(
        (layout) => layout.masterOf(key),
        () => undefined, // every node asked was busy or down: asked again
      );
      return serving !== undefined && serving.port !== master.port;
    },
    { timeoutMs: 30_000, intervalMs: 100 },
  );
  return master.port;
}

/** Runs `fn` with a connected client of one server that never retries, then disconnects. */
export async function withRedisClient<T>(url: string, fn: (client: Redis) => Promise<T>): Promise<T> {
  const { createServerRedisClient } = await redisModules();
  const client = createServerRedisClient(url, 'withRedisClient', {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => {}); // a refused connection rejects connect() below; nothing else to report
  await client.connect();
  try {
    return await fn(client);
  } finally {
    client.disconnect();
  }
}

/** A test Redis for the tests of one file, and a client on it. */
export interface FileRedis {
  readonly server: TestRedis;
  readonly client: Redis;
}

/**
 * Starts a test Redis before the tests of the calling file and stops it after them; the returned object's
 * `server` and `client` are there once the file's first hook has run (inside tests and later hooks).
 */
export function redisForFile(name: string, options: TestRedisOptions = {}): FileRedis {
  let started: FileRedis | undefined;
  beforeAll(async () => {
    const server = await startTestRedis(name, options);
    started = { server, client: server.client() };
  });
  afterAll(async () => started?.server.stop());
  const running = () => {
    if (!started) throw new Error(`the test Redis "${name}" is used before the file's beforeAll ran`);
    return started;
  };
  return {
    get server() {
      return running().server;
    },
    get client() {
      return running().client;
    },
  };
}
