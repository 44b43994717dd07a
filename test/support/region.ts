import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PRINCIPALS, type Principal } from '@vaultover/auth';
import { type RegionNode, type RegionNodeOptions, startRegionNode } from '@vaultover/region';
import { startTestRedis, type TestRedis, type TestRedisOptions } from '@vaultover/testkit';
import type { VaultSpec } from '@vaultover/vault';
import { type Logger, pino } from 'pino';

export const DEFAULT_VAULT = 'vaultover';

export interface TestRegionOptions {
  /** Vaults besides the default `vaultover`, served at `https://<name>.localhost:<port>`. */
  extraVaults?: VaultSpec[];
  /** See TestRedisOptions.externalDb. */
  externalDb: number;
  /** Whether the node's Redis is a region store that may be, or must be, a Redis Cluster (TestRedisOptions). */
  store?: Pick<TestRedisOptions, 'store' | 'cluster'>;
  region?: string;
  /** The node's logger; silent by default. */
  logger?: Logger;
  /** Principals of the node; DEFAULT_PRINCIPALS by default. */
  principals?: Record<string, Principal>;
  /** Further node options (control link, read-only profile…), over the defaults above. */
  node?: Partial<RegionNodeOptions>;
}

/** A region node on its own Redis, data directory and port. */
export interface TestRegion {
  readonly node: RegionNode;
  readonly redis: TestRedis;
  readonly dataDir: string;
  /** PEM of the region's CA, for `tlsOptions.ca` / `https.Agent({ ca })`. */
  readonly ca: string;
  readonly port: number;
  /** `https://localhost:<port>`: the default vault. */
  readonly url: string;
  readonly region: string;
  /** `https://<vault>.localhost:<port>`. */
  vaultUrl(vault: string): string;
  close(): Promise<void>;
}

/**
 * Starts an embedded (or VAULTOVER_REDIS-chosen) Redis and a region node serving the default vault
 * plus `extraVaults`, with a silent logger, DEFAULT_PRINCIPALS and a fresh temp data directory.
 */
export async function startTestRegion(options: TestRegionOptions): Promise<TestRegion> {
  const region = options.region ?? 'testregion';
  const redis = await startTestRedis(region, { externalDb: options.externalDb, ...options.store });
  const dataDir = await mkdtemp(join(tmpdir(), 'vaultover-test-region-'));
  const extraVaults = options.extraVaults ?? [];
  try {
    const node = await startRegionNode({
      region,
      role: 'primary',
      dataDir,
      redisUrl: redis.url,
      vaults: [{ name: DEFAULT_VAULT }, ...extraVaults],
      defaultVault: DEFAULT_VAULT,
      principals: options.principals ?? DEFAULT_PRINCIPALS,
      logger: options.logger ?? pino({ level: 'silent' }),
      ...options.node,
    });
    return {
      node,
      redis,
      dataDir,
      ca: await readFile(node.caFile, 'utf8'),
      port: node.port,
      url: node.url,
      region,
      vaultUrl: (vault) => `https://${vault}.localhost:${node.port}`,
      async close() {
        await node.close();
        await redis.stop();
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await redis.stop();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Restarts the region's node: stops it and starts a new one on the same Redis and data directory, serving
 * the default vault with `node` options (a fresh clock, without the old one's shifts, and a new port).
 * The answer replaces `before`, whose close it takes over; clients of the old URL must be made again.
 */
export async function restartTestRegion(
  before: TestRegion,
  node: Partial<RegionNodeOptions> = {},
): Promise<TestRegion> {
  await before.node.close();
  const restarted = await startRegionNode({
    region: before.region,
    role: 'primary',
    dataDir: before.dataDir,
    redisUrl: before.redis.url,
    vaults: [{ name: DEFAULT_VAULT }],
    defaultVault: DEFAULT_VAULT,
    principals: DEFAULT_PRINCIPALS,
    logger: pino({ level: 'silent' }),
    ...node,
  });
  return {
    ...before,
    node: restarted,
    port: restarted.port,
    url: restarted.url,
    ca: await readFile(restarted.caFile, 'utf8'),
    vaultUrl: (vault) => `https://${vault}.localhost:${restarted.port}`,
    async close() {
      await restarted.close();
      await before.redis.stop();
      await rm(before.dataDir, { recursive: true, force: true });
    },
  };
}
