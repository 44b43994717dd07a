import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable, findFreePort } from '@vaultover/foundation';
import { EmbeddedCluster } from './embedded-cluster.ts';
import {
  RedisNotInstalledError,
  RedisPortInUseError,
  RedisStartError,
  UnknownRedisInstanceError,
  UnsupportedRedisOperationError,
} from './errors.ts';
import { type RedisProcess, startRedisProcess } from './redis-process.ts';
import type { RedisDurability, RedisInstance, RedisLogger, RedisProvider } from './redis-provider.ts';
import { aclFileText, redisUrlAs } from './redis-users.ts';
import { assertNewNames, startAll } from './start-all.ts';

const BIND_ATTEMPTS = 5;

/** Options of the embedded provider, defaults already applied. */
export interface EmbeddedOptions {
  redisServerPath: string;
  /** Region stores are clusters (kind `cluster`), created with this redis-cli; absent: servers. */
  clusterStores?: { redisCliPath: string; nodeTimeoutMs: number };
  baseDir?: string;
  startTimeoutMs: number;
  durability: RedisDurability;
  /** Every ACL user's password derives from it. */
  secret: string;
  logger?: RedisLogger;
}

/** The ACL file in each instance's data dir (mode 0600; it holds password hashes only). */
const ACL_FILE = 'users.acl';

interface Entry {
  readonly name: string;
  readonly dir: string;
  port: number;
  process: RedisProcess | null;
}

/** Marks a name whose cluster is being created (a cluster takes a few seconds to form). */
const STARTING: unique symbol = Symbol('starting');

/** What runs under one name: a server of its own, or a cluster. */
type Started =
  | { readonly kind: 'server'; readonly entry: Entry }
  | { readonly kind: 'cluster'; readonly cluster: EmbeddedCluster };
type Running = Started | typeof STARTING;

function toInstance(entry: Entry, secret: string): RedisInstance {
  const { name, port } = entry;
  const address = `redis://127.0.0.1:${port}`;
  return {
    name,
    url: redisUrlAs(address, 'admin', secret),
    host: '127.0.0.1',
    port,
    pid: entry.process?.pid ?? null,
    urlAs: (user) => redisUrlAs(address, user, secret),
  };
}

/**
 * Runs one redis-server child per name, on free ports, each in its own temp dir; with `clusterStores`,
 * a region store's name gets a cluster of six (embedded-cluster.ts).
 */
export function createEmbeddedProvider(options: EmbeddedOptions): RedisProvider {
  const running = new Map<string, Running>();
  let executable: string | null = null;
  let cli: string | null = null;

  async function resolveExecutable(): Promise<string> {
    executable ??= await findExecutable(options.redisServerPath);
    if (executable === null) throw new RedisNotInstalledError(options.redisServerPath);
    return executable;
  }

  async function resolveCli(path: string): Promise<string> {
    cli ??= await findExecutable(path);
    if (cli === null) throw new RedisNotInstalledError(path, 'redis-cli');
    return cli;
  }

  async function launch(entry: Entry, port: number): Promise<void> {
    const redisServerPath = await resolveExecutable();
    const { dir } = entry;
    const aclFile = join(dir, ACL_FILE);
    await writeFile(aclFile, aclFileText(options.secret), { mode: 0o600 });
    entry.process = await startRedisProcess({
      redisServerPath,
      port,
      dir,
      aclFile,
      pingUrl: redisUrlAs(`redis://127.0.0.1:${port}`, 'admin', options.secret),
      startTimeoutMs: options.startTimeoutMs,
      durability: options.durability,
    });
    entry.port = port;
    options.logger?.info(
      `redis '${entry.name}' ready at redis://127.0.0.1:${port} (pid ${entry.process.pid})`,
    );
  }

  // Another process may grab the free port before redis binds it: pick a new one a few times.
  async function launchOnFreePort(entry: Entry): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await launch(entry, await findFreePort());
      } catch (error) {
        if (!(error instanceof RedisPortInUseError) || attempt >= BIND_ATTEMPTS) throw error;
      }
    }
  }

  async function startServer(name: string): Promise<RedisInstance> {
    const safeName = name.replace(/[^a-zA-Z0-9-]/g, '_');
    const dir = await mkdtemp(join(options.baseDir ?? tmpdir(), `vaultover-redis-${safeName}-`));
    const entry: Entry = { name, dir, port: 0, process: null };
    const mine: Running = { kind: 'server', entry };
    running.set(name, mine);
    try {
      await launchOnFreePort(entry);
    } catch (error) {
      running.delete(name);
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    // stop() ran while this one was starting: it must not outlive the provider.
    if (running.get(name) !== mine) {
      await entry.process?.stop();
      throw new RedisStartError(`redis '${name}' was stopped while it was starting`);
    }
    return toInstance(entry, options.secret);
  }

  async function startCluster(
    name: string,
    settings: NonNullable<EmbeddedOptions['clusterStores']>,
  ): Promise<RedisInstance> {
    const [redisServerPath, redisCliPath] = await Promise.all([
      resolveExecutable(),
      resolveCli(settings.redisCliPath),
    ]);
    const cluster = await EmbeddedCluster.start({
      name,
      redisServerPath,
      redisCliPath,
      baseDir: options.baseDir,
      startTimeoutMs: options.startTimeoutMs,
      durability: options.durability,
      secret: options.secret,
      nodeTimeoutMs: settings.nodeTimeoutMs,
      logger: options.logger,
    });
    // stop() ran while this one was starting: it must not outlive the provider.
    if (running.get(name) !== STARTING) {
      await cluster.remove();
      throw new RedisStartError(`redis '${name}' was stopped while it was starting`);
    }
    running.set(name, { kind: 'cluster', cluster });
    return cluster.instance();
  }

  async function startOne(name: string, store: boolean): Promise<RedisInstance> {
    if (!store || !options.clusterStores) return startServer(name);
    running.set(name, STARTING);
    try {
      return await startCluster(name, options.clusterStores);
    } catch (error) {
      if (running.get(name) === STARTING) running.delete(name);
      throw error;
    }
  }

  function runningAs(name: string): Started {
    const found = running.get(name);
    if (!found || found === STARTING) {
      throw new UnknownRedisInstanceError(`no redis named '${name}' was started by this provider`);
    }
    return found;
  }

  function clusterOf(name: string): EmbeddedCluster {
    const found = runningAs(name);
    if (found.kind !== 'cluster') {
      throw new UnsupportedRedisOperationError(`redis '${name}' is one server, not a cluster`);
    }
    return found.cluster;
  }

  async function stopInstance(name: string, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const found = runningAs(name);
    if (found.kind === 'cluster') return found.cluster.stopAll(signal);
    const { entry } = found;
    const stopping = entry.process;
    entry.process = null;
    await stopping?.stop(signal);
    if (stopping) options.logger?.info(`redis '${name}' stopped (${signal})`);
  }

  async function stopAndForget(name: string): Promise<void> {
    const found = running.get(name);
    if (!found) return;
    running.delete(name);
    if (found === STARTING) return; // startCluster sees it gone and removes what it made
    if (found.kind === 'cluster') return found.cluster.remove();
    await found.entry.process?.stop();
    await rm(found.entry.dir, { recursive: true, force: true });
  }

  return {
    kind: options.clusterStores ? 'cluster' : 'embedded',
    async start(names, startOptions = {}) {
      assertNewNames(names, running);
      return startAll(names, (name) => startOne(name, startOptions.stores === true), stopAndForget);
    },
    stopInstance,
    async restartInstance(name) {
      const found = runningAs(name);
      if (found.kind === 'cluster') {
        await found.cluster.restartAll();
        return found.cluster.instance();
      }
      await stopInstance(name);
      await launch(found.entry, found.entry.port);
      return toInstance(found.entry, options.secret);
    },
    stopClusterNode: async (name, port, signal) => clusterOf(name).stopNode(port, signal),
    async restartClusterNode(name, port) {
      const cluster = clusterOf(name);
      await cluster.restartNode(port);
      return cluster.instance();
    },
    async stop() {
      await Promise.all([...running.keys()].map(stopAndForget));
    },
  };
}
