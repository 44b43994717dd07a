import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RedisInstance } from '@vaultover/local-redis';
import type { RunningChild } from '../child/start-child.ts';
import { cleanupOnInterrupt } from '../interrupt.ts';
import type { SuiteContext } from '../suite.ts';
import { CleanupStack, startRedis, startServer } from './bench-stack.ts';
import type { ServerInfo } from './server-info.ts';

/** The vault the region serves on `localhost`. */
const BENCH_VAULT = 'bench';

/** Redis and one region node in its own process (vault `bench` on `localhost`, default principals). */
export interface RegionEnvironment {
  readonly redis: RedisInstance;
  readonly region: RunningChild<ServerInfo>;
  /** The region's data directory: its TLS material and token signing key. */
  readonly dataDir: string;
  readonly caPem: string;
  /** Stops everything that was started, in reverse order. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts the environment; on failure stops what had started, then throws. `tempPrefix` names its temp
 * directory, so a leftover one says which suite left it.
 */
export async function startRegionEnvironment(
  context: SuiteContext,
  tempPrefix: string,
  regionFlags: string[],
): Promise<RegionEnvironment> {
  const stack = new CleanupStack();
  const forget = cleanupOnInterrupt(() => stack.run());
  const stop = async () => {
    forget();
    await stack.run();
  };
  try {
    const workDir = await mkdtemp(join(tmpdir(), tempPrefix));
    stack.push(() => rm(workDir, { recursive: true, force: true }));
    const redis = await startRedis(context, stack);
    const dataDir = join(workDir, 'data');
    const config = { dataDir, redisUrl: redis.url, vault: BENCH_VAULT, key: '' };
    const region = await startServer(context, stack, 'region', config, regionFlags);
    const caPem = await readFile(region.info.caFile, 'utf8');
    return { redis, region, dataDir, caPem, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
