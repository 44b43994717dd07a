import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FaultRule } from '@vaultover/contract';
import type { RedisInstance } from '@vaultover/local-redis';
import type { ThrottlingSettings } from '@vaultover/region';
import { Redis } from 'ioredis';
import type { RunningChild } from '../child/start-child.ts';
import { cleanupOnInterrupt } from '../interrupt.ts';
import { CleanupStack, issueToken, profileFlags, startRedis, startServer } from '../servers/bench-stack.ts';
import type { ServerConfig, ServerInfo } from '../servers/server-info.ts';
import type { SuiteContext } from '../suite.ts';
import { matchingDelayRule, nonMatchingRules, prepareControlRedis } from './fault-rules-bench.ts';

/** The vault the region serves on `localhost`. */
export const BENCH_VAULT = 'bench';
/** The Redis key the baseline reads: a plain string holding the same 1 KB as the secret. */
export const BASELINE_KEY = 'bench:baseline';
// Secrets Officer: may both read and write secrets.
const PRINCIPAL = 'officer';

/** Redis, the region and the baseline, each server in its own process, plus what clients need. */
export interface SecretsEnvironment {
  readonly redis: RedisInstance;
  /** A client of the same Redis, for setup. */
  readonly redisClient: Redis;
  readonly region: RunningChild<ServerInfo>;
  /** A second region node on the same Redis and vault, throttling at limits no load reaches. */
  readonly throttled?: RunningChild<ServerInfo> | undefined;
  /**
   * A second region node on the same Redis and data directory, under a control Redis (the same Redis:
   * its keys are `vo:control:*`) holding fault rules that match none of the measured requests; only
   * when a scenario needs it.
   */
  readonly regionFaults: RunningChild<ServerInfo> | undefined;
  /**
   * Another such node, under a control Redis of its own (the next database of the same Redis) holding one
   * rule that matches every GET of the secret and delays it 0 ms; only when a scenario needs it.
   */
  readonly regionDelay: RunningChild<ServerInfo> | undefined;
  readonly baseline: RunningChild<ServerInfo>;
  readonly caPem: string;
  /** A bearer token for the region (the baseline ignores it but receives the same header). */
  readonly token: string;
  /** Stops everything that was started, in reverse order. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Throttling that counts every request (one script in Redis each) but never refuses one: what throttling
 * costs a request that is under its limits. A billion reads per 10 s is far above any load here.
 */
export const UNREACHED_THROTTLING: ThrottlingSettings = {
  mode: 'custom',
  limits: { vaultOther: 1_000_000_000 },
};

/** Starts the environment; on failure stops what had started, then throws. */
export async function startSecretsEnvironment(
  context: SuiteContext,
  options: { throttled?: boolean; faultRules?: boolean; delayRule?: boolean } = {},
): Promise<SecretsEnvironment> {
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
    const throttled = options.throttled
      ? await startServer(
          context,
          stack,
          'region',
          { ...config, throttling: UNREACHED_THROTTLING },
          [],
          'throttled region',
        )
      : undefined;
    // A region node like `region`, under the control Redis at `controlUrl` holding `rules`.
    const underControl = async (controlUrl: string, rules: readonly FaultRule[], label: string) => {
      const control = new Redis(controlUrl);
      try {
        await prepareControlRedis(control, rules);
      } finally {
        control.disconnect();
      }
      return startServer(context, stack, 'region', { ...config, controlRedisUrl: controlUrl }, [], label);
    };
    const regionFaults = options.faultRules
      ? await underControl(redis.url, nonMatchingRules(), 'region with fault rules')
      : undefined;
    // The delay rule would match on the node above too: its rules live in a keyspace of their own.
    const regionDelay = options.delayRule
      ? await underControl(nextDatabase(redis.url), [matchingDelayRule()], 'region with a delay rule')
      : undefined;
    const baseline = await startServer(context, stack, 'baseline', config, []);
    const caPem = await readFile(region.info.caFile, 'utf8');
    const token = await issueToken(config.dataDir, PRINCIPAL);
    const stop = async () => {
      forget();
      await stack.run();
    };
    return { redis, redisClient, region, throttled, regionFaults, regionDelay, baseline, caPem, token, stop };
  } catch (error) {
    forget();
    await stack.run();
    throw error;
  }
}

/** `url` with the next database number: a keyspace of its own on the same Redis server. */
function nextDatabase(url: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${Number(parsed.pathname.slice(1) || '0') + 1}`;
  return parsed.toString();
}
