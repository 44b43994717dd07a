import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PRINCIPALS } from '@vaultover/auth';
import { redisNodesOf, redisUrlThrough } from '@vaultover/foundation/redis';
import { LinkProxy } from '@vaultover/link-proxy';
import { type NodeReplicationStatus, type RegionNodeOptions, startRegionNode } from '@vaultover/region';
import { eventually, startTestRedis, type TestRedis } from '@vaultover/testkit';
import { type Logger, pino } from 'pino';
import { expect } from 'vitest';
import { rawRequest } from './clients.ts';
import { DEFAULT_VAULT, type TestRegion } from './region.ts';

export const PRIMARY = 'westeurope';
export const SECONDARY = 'northeurope';

/** A primary and a standby secondary region, the secondary pulling through a link proxy. */
export interface RegionPair {
  primary: TestRegion;
  secondary: TestRegion;
  proxy: LinkProxy;
  close(): Promise<void>;
}

/**
 * Starts the pair in-process, each region on its own Redis and data directory. Both share the master
 * key (sealed values must open in either region); each keeps its own TLS CA and token signing key, so
 * a client talks to each region with that region's CA and credential (as TestRegion helpers do).
 */
export async function startRegionPair(
  primaryReplication: RegionNodeOptions['replication'],
  options: { logger?: Logger; node?: Partial<RegionNodeOptions> } = {},
): Promise<RegionPair> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const extra = options.node ?? {};
  const masterKey = randomBytes(32).toString('base64');
  const [primaryRedis, secondaryRedis] = await Promise.all([
    startTestRedis(PRIMARY, { externalDb: 7, store: true }),
    startTestRedis(SECONDARY, { externalDb: 10, store: true }),
  ]);
  // Every node of a clustered store, each on a port of its own.
  const proxy = new LinkProxy({ name: `${PRIMARY}-redis`, upstream: redisNodesOf(primaryRedis.url) });
  await proxy.start();
  const primary = await startRegion(PRIMARY, 'primary', primaryReplication, primaryRedis, {
    masterKey,
    logger,
    extra,
  });
  const secondary = await startRegion(
    SECONDARY,
    'secondary',
    { primaryRedisUrl: redisUrlThrough(primaryRedis.url, proxy.routes) },
    secondaryRedis,
    { masterKey, logger, extra },
  );
  return {
    primary,
    secondary,
    proxy,
    async close() {
      await secondary.close();
      await primary.close();
      await proxy.close();
      await secondaryRedis.stop();
      await primaryRedis.stop();
    },
  };
}

async function startRegion(
  name: string,
  role: 'primary' | 'secondary',
  replication: RegionNodeOptions['replication'],
  redis: TestRedis,
  { masterKey, logger, extra }: { masterKey: string; logger: Logger; extra: Partial<RegionNodeOptions> },
): Promise<TestRegion> {
  const dataDir = await mkdtemp(join(tmpdir(), `vaultover-pair-${name}-`));
  const node = await startRegionNode({
    region: name,
    role,
    dataDir,
    redisUrl: redis.url,
    vaults: [{ name: DEFAULT_VAULT }],
    defaultVault: DEFAULT_VAULT,
    principals: DEFAULT_PRINCIPALS,
    logger: logger.child({ region: name }),
    masterKey,
    replication,
    ...extra,
  });
  return {
    node,
    redis,
    dataDir,
    ca: await readFile(node.caFile, 'utf8'),
    port: node.port,
    url: node.url,
    region: name,
    vaultUrl: (vault) => `https://${vault}.localhost:${node.port}`,
    async close() {
      await node.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** `GET /replication/status` of a region with an admin token; the request must succeed. */
export async function replicationStatus(region: TestRegion): Promise<NodeReplicationStatus> {
  const response = await rawRequest(region, { path: '/replication/status', principal: 'admin' });
  expect(response.status).toBe(200);
  return response.json as NodeReplicationStatus;
}

/**
 * Waits until the secondary streams with its link up and no error, has applied everything the primary
 * has, and both report the same digests (the default vault's among them).
 */
export async function converged(
  pair: Pick<RegionPair, 'primary' | 'secondary'>,
  options: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<{ primary: NodeReplicationStatus; secondary: NodeReplicationStatus }> {
  return eventually(
    async () => {
      const [p, s] = [await replicationStatus(pair.primary), await replicationStatus(pair.secondary)];
      expect(s).toMatchObject({ state: 'streaming', link: 'up', lagEntries: 0, lastError: null });
      expect(s.lastAppliedPosition).toBe(p.lastPosition);
      expect(Object.keys(p.digests)).toContain(DEFAULT_VAULT);
      expect(s.digests).toEqual(p.digests);
      return { primary: p, secondary: s };
    },
    { timeoutMs: options.timeoutMs ?? 20_000, intervalMs: options.intervalMs ?? 50 },
  );
}
