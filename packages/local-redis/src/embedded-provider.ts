import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable, findFreePort } from '@vaultover/foundation';
import {
  RedisNotInstalledError,
  RedisPortInUseError,
  RedisStartError,
  UnknownRedisInstanceError,
} from './errors.ts';
import { type RedisProcess, startRedisProcess } from './redis-process.ts';
import type { RedisDurability, RedisInstance, RedisLogger, RedisProvider } from './redis-provider.ts';
import { aclFileText, redisUrlAs } from './redis-users.ts';
import { assertNewNames, startAll } from './start-all.ts';

const BIND_ATTEMPTS = 5;

/** Options of the embedded provider, defaults already applied. */
export interface EmbeddedOptions {
  redisServerPath: string;
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

/** Runs one redis-server child per name, on free ports, each in its own temp dir. */
export function createEmbeddedProvider(options: EmbeddedOptions): RedisProvider {
  const entries = new Map<string, Entry>();
  let executable: string | null = null;

  async function resolveExecutable(): Promise<string> {
    executable ??= await findExecutable(options.redisServerPath);
    if (executable === null) throw new RedisNotInstalledError(options.redisServerPath);
    return executable;
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

  async function startOne(name: string): Promise<RedisInstance> {
    const safeName = name.replace(/[^a-zA-Z0-9-]/g, '_');
    const dir = await mkdtemp(join(options.baseDir ?? tmpdir(), `vaultover-redis-${safeName}-`));
    const entry: Entry = { name, dir, port: 0, process: null };
    entries.set(name, entry);
    try {
      await launchOnFreePort(entry);
    } catch (error) {
      entries.delete(name);
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    // stop() ran while this one was starting: it must not outlive the provider.
    if (entries.get(name) !== entry) {
      await entry.process?.stop();
      throw new RedisStartError(`redis '${name}' was stopped while it was starting`);
    }
    return toInstance(entry, options.secret);
  }

  function entryOf(name: string): Entry {
    const entry = entries.get(name);
    if (!entry) throw new UnknownRedisInstanceError(`no redis named '${name}' was started by this provider`);
    return entry;
  }

  async function stopInstance(name: string, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const entry = entryOf(name);
    const running = entry.process;
    entry.process = null;
    await running?.stop(signal);
    if (running) options.logger?.info(`redis '${name}' stopped (${signal})`);
  }

  async function stopAndForget(name: string): Promise<void> {
    const entry = entries.get(name);
    if (!entry) return;
    entries.delete(name);
    await entry.process?.stop();
    await rm(entry.dir, { recursive: true, force: true });
  }

  return {
    kind: 'embedded',
    async start(names) {
      assertNewNames(names, entries);
      return startAll(names, startOne, stopAndForget);
    },
    stopInstance,
    async restartInstance(name) {
      const entry = entryOf(name);
      await stopInstance(name);
      await launch(entry, entry.port);
      return toInstance(entry, options.secret);
    },
    async stop() {
      await Promise.all([...entries.keys()].map(stopAndForget));
    },
  };
}
