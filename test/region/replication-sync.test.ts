import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LinkProxy } from '@vaultover/link-proxy';
import { DEFAULT_PRINCIPALS, type RegionNodeOptions, startRegionNode } from '@vaultover/region';
import { vaultPrefix } from '@vaultover/vault';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, rawRequest } from '../support/clients.ts';
import { eventually } from '../support/poll.ts';
import { startTestRedis, type TestRedis } from '../support/redis.ts';
import { DEFAULT_VAULT, type TestRegion } from '../support/region.ts';

// Sync replication mode: a primary and a standby secondary in-process (as in replication-node.test.ts),
// the secondary pulling through a link proxy. In sync mode a write is answered 200 only once the
// secondary applied it, and 503 when the secondary did not acknowledge it within syncTimeoutMs.

const PRIMARY = 'westeurope';
const SECONDARY = 'northeurope';
const SYNC_TIMEOUT_MS = 500;
const masterKey = randomBytes(32).toString('base64');

let primary: TestRegion;
let secondary: TestRegion;
let proxy: LinkProxy;

async function startSide(
  name: string,
  role: 'primary' | 'secondary',
  replication: RegionNodeOptions['replication'],
  redis: TestRedis,
): Promise<TestRegion> {
  const dataDir = await mkdtemp(join(tmpdir(), `vaultover-sync-${name}-`));
  const node = await startRegionNode({
    region: name,
    role,
    dataDir,
    redisUrl: redis.url,
    vaults: [{ name: DEFAULT_VAULT }],
    defaultVault: DEFAULT_VAULT,
    principals: DEFAULT_PRINCIPALS,
    logger: pino({ level: 'silent' }),
    masterKey,
    replication,
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

beforeAll(async () => {
  const [primaryRedis, secondaryRedis] = await Promise.all([
    startTestRedis(PRIMARY, { externalDb: 7 }),
    startTestRedis(SECONDARY, { externalDb: 10 }),
  ]);
  const upstream = new URL(primaryRedis.url);
  proxy = new LinkProxy({ name: `${PRIMARY}-redis`, upstream: `${upstream.hostname}:${upstream.port}` });
  await proxy.start();
  const db = upstream.pathname.replace('/', '');
  primary = await startSide(
    PRIMARY,
    'primary',
    { secondaries: [SECONDARY], mode: 'sync', syncTimeoutMs: SYNC_TIMEOUT_MS },
    primaryRedis,
  );
  secondary = await startSide(
    SECONDARY,
    'secondary',
    { primaryRedisUrl: `redis://127.0.0.1:${proxy.listenPort}${db ? `/${db}` : ''}` },
    secondaryRedis,
  );
}, 60_000);

afterAll(async () => {
  await secondary?.close();
  await primary?.close();
  await proxy?.close();
  await secondary?.redis.stop();
  await primary?.redis.stop();
});

/** Sets a secret at the primary with one raw request (no SDK retries of a 503). */
function setSecret(name: string, value: string) {
  return rawRequest(primary, {
    method: 'PUT',
    path: `/secrets/${name}?${API}`,
    principal: 'admin',
    body: { value },
  });
}

/** The version the secondary's own Redis holds as the secret's latest, read directly. */
async function secondaryHead(name: string): Promise<string | null> {
  return secondary.redis.client().hget(`${vaultPrefix(DEFAULT_VAULT)}o:secret:${name}`, 'head');
}

function versionOf(json: unknown): string {
  const id = (json as { id: string }).id;
  return id.slice(id.lastIndexOf('/') + 1);
}

async function digests(side: TestRegion): Promise<Record<string, string>> {
  const response = await rawRequest(side, { path: '/replication/status', principal: 'admin' });
  return (response.json as { digests: Record<string, string> }).digests;
}

describe('sync replication', () => {
  const acknowledged = new Map<string, string>();

  it('answers a write only once the secondary has applied it', async () => {
    for (let i = 0; i < 20; i++) {
      const response = await setSecret(`sync-${i % 5}`, `value-${i}`);
      expect(response.status).toBe(200);
      const version = versionOf(response.json);
      // Right after the 200, before any waiting: the secondary already holds this version.
      expect(await secondaryHead(`sync-${i % 5}`)).toBe(version);
      acknowledged.set(`sync-${i % 5}`, version);
    }
  });

  it('fails a write with 503 after syncTimeoutMs when the link is cut, and converges once healed', async () => {
    proxy.addToxic({ name: 'partition', type: 'blackhole', stream: 'both' });
    let failed: Awaited<ReturnType<typeof setSecret>>;
    try {
      const started = performance.now();
      failed = await setSecret('during-partition', 'unacknowledged');
      expect(performance.now() - started).toBeGreaterThanOrEqual(SYNC_TIMEOUT_MS - 5);
    } finally {
      proxy.removeToxic('partition');
    }
    expect(failed.status).toBe(503);
    expect(failed.json).toEqual({
      error: {
        code: 'ServiceUnavailable',
        message:
          `The write was committed in region ${PRIMARY} but not replicated to ${SECONDARY} within ` +
          `${SYNC_TIMEOUT_MS} ms (sync replication); it is not acknowledged. Retry, or check the replication link.`,
      },
    });
    const metrics = await rawRequest(primary, { path: '/metrics' });
    expect(metrics.text).toMatch(/vaultover_replication_sync_timeouts_total\{region="westeurope"\} [1-9]/);

    // Healed: the secondary catches up (the failed write was committed on the primary, so it arrives too).
    await eventually(
      async () => {
        expect(await digests(secondary)).toEqual(await digests(primary));
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    const after = await setSecret('after-heal', 'v');
    expect(after.status).toBe(200);
    acknowledged.set('after-heal', versionOf(after.json));

    // Nothing acknowledged is missing on the secondary.
    for (const [name, version] of acknowledged) expect(await secondaryHead(name), name).toBe(version);
  }, 60_000);
});
