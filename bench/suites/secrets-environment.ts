import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRedisProvider, type RedisInstance } from '@vaultover/local-redis';
import { readSigningKey, TokenIssuer } from '@vaultover/region';
import { Redis } from 'ioredis';
import { type RunningChild, startChild } from '../child/start-child.ts';
import { cleanupOnInterrupt } from '../interrupt.ts';
import type { ServerConfig, ServerInfo } from '../servers/server-info.ts';
import type { SuiteContext } from '../suite.ts';

/** The vault the region serves on `localhost`. */
export const BENCH_VAULT = 'bench';
/** The Redis key the baseline reads: a plain string holding the same 1 KB as the secret. */
export const BASELINE_KEY = 'bench:baseline';
// Secrets Officer: may both read and write secrets.
const PRINCIPAL = 'officer';
// Longer than any sensible run, so no token expires mid-window (the SDK would refresh; we do not).
const TOKEN_TTL_SECONDS = 24 * 3600;
const SERVER_START_TIMEOUT_MS = 60_000;

/** Redis, the region and the baseline, each server in its own process, plus what clients need. */
export interface SecretsEnvironment {
  readonly redis: RedisInstance;
  /** A client of the same Redis, for setup. */
  readonly redisClient: Redis;
  readonly region: RunningChild<ServerInfo>;
  readonly baseline: RunningChild<ServerInfo>;
  readonly caPem: string;
  /** A bearer token for the region (the baseline ignores it but receives the same header). */
  readonly token: string;
  /** Stops everything that was started, in reverse order. Idempotent. */
  stop(): Promise<void>;
}

/** Starts the environment; on failure stops what had started, then throws. */
export async function startSecretsEnvironment(context: SuiteContext): Promise<SecretsEnvironment> {
  const stack = new CleanupStack();
  const forget = cleanupOnInterrupt(() => stack.run());
  try {
    const workDir = await mkdtemp(join(tmpdir(), 'vaultover-bench-'));
    stack.push(() => rm(workDir, { recursive: true, force: true }));
    const redis = await startRedis(context, stack);
    const redisClient = new Redis(redis.url);
    stack.push(async () => redisClient.disconnect());
    const config: ServerConfig = {
      dataDir: join(workDir, 'data'),
      redisUrl: redis.url,
      vault: BENCH_VAULT,
      key: BASELINE_KEY,
    };
    // The region first: it creates the TLS material and token key the baseline and clients use.
    const region = await startServer(context, stack, 'region', config, profileFlags(context));
    const baseline = await startServer(context, stack, 'baseline', config, []);
    const caPem = await readFile(region.info.caFile, 'utf8');
    const token = await issueToken(config.dataDir);
    const stop = async () => {
      forget();
      await stack.run();
    };
    return { redis, redisClient, region, baseline, caPem, token, stop };
  } catch (error) {
    forget();
    await stack.run();
    throw error;
  }
}

async function startRedis(context: SuiteContext, stack: CleanupStack): Promise<RedisInstance> {
  context.progress('starting Redis…');
  const provider = createRedisProvider({ logger: { info: (line) => context.progress(line) } });
  stack.push(() => provider.stop());
  const [redis] = await provider.start(['bench']);
  if (!redis) throw new Error('the Redis provider started nothing');
  return redis;
}

async function startServer(
  context: SuiteContext,
  stack: CleanupStack,
  name: 'region' | 'baseline',
  config: ServerConfig,
  execArgv: string[],
): Promise<RunningChild<ServerInfo>> {
  context.progress(`starting the ${name} server…`);
  const server = await startChild<ServerInfo>({
    name,
    entry: new URL(`../servers/${name}-child.ts`, import.meta.url),
    config,
    execArgv,
    readyTimeoutMs: SERVER_START_TIMEOUT_MS,
  });
  stack.push(() => server.stop());
  context.progress(`${name} listening on https://localhost:${server.info.port} (pid ${server.pid})`);
  return server;
}

function profileFlags(context: SuiteContext): string[] {
  const dir = context.options.profileDir;
  return dir ? ['--cpu-prof', '--cpu-prof-dir', dir] : [];
}

async function issueToken(dataDir: string): Promise<string> {
  const issuer = new TokenIssuer({ signingKey: await readSigningKey(dataDir) });
  return (await issuer.issue(PRINCIPAL, { ttlSeconds: TOKEN_TTL_SECONDS })).token;
}

/** Undo steps, run last-in first-out; each runs once even if a later one fails. */
class CleanupStack {
  readonly #steps: (() => Promise<unknown>)[] = [];

  push(step: () => Promise<unknown>): void {
    this.#steps.push(step);
  }

  async run(): Promise<void> {
    for (let step = this.#steps.pop(); step; step = this.#steps.pop()) {
      // A failed undo step must neither hide the error that led here nor skip the steps after it.
      await step().catch((error: unknown) => process.stderr.write(`bench: cleanup step failed: ${error}\n`));
    }
  }
}
