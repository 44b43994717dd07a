import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PRINCIPALS } from '@vaultover/auth';
import { type RegionNode, startRegionNode } from '@vaultover/region';
import { startTestRedis, type TestRedis } from '@vaultover/testkit';
import { VAULT_INDEX_KEY } from '@vaultover/vault';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arm, providerPath, vaultBody, vaultPath } from '../support/arm.ts';
import { secretClient } from '../support/clients.ts';
import type { TestRegion } from '../support/region.ts';

// A region node restarted on the same Redis and data directory: vaults created at run time are still
// there (even when the name index was lost), reachable over TLS by name, and a configured vault that was
// soft-deleted stays deleted rather than being created again.

let redis: TestRedis;
let dataDir: string;
let node: RegionNode | undefined;

beforeAll(async () => {
  // Shares database 9 with vault-management-sdk (see TestRedisOptions.externalDb): no time shift here.
  redis = await startTestRedis('vault-restart', { externalDb: 9 });
  dataDir = await mkdtemp(join(tmpdir(), 'vaultover-test-restart-'));
});

afterAll(async () => {
  await node?.close();
  await redis?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** Starts the node and returns it in the shape the test helpers take. */
async function start(): Promise<TestRegion> {
  node = await startRegionNode({
    region: 'testregion',
    role: 'primary',
    dataDir,
    redisUrl: redis.url,
    vaults: [{ name: 'vaultover' }, { name: 'configured', retentionDays: 7 }],
    defaultVault: 'vaultover',
    principals: DEFAULT_PRINCIPALS,
    logger: pino({ level: 'silent' }),
  });
  const started = node;
  return {
    node: started,
    redis,
    dataDir,
    ca: await readFile(started.caFile, 'utf8'),
    port: started.port,
    url: started.url,
    region: 'testregion',
    vaultUrl: (vault) => `https://${vault}.localhost:${started.port}`,
    close: () => started.close(),
  };
}

describe('restart', () => {
  it('keeps run-time vaults, repairs the index, and leaves a deleted configured vault deleted', async () => {
    const first = await start();
    expect(
      (await arm(first, { method: 'PUT', path: vaultPath('restarts', 'made-at-runtime'), body: vaultBody() }))
        .status,
    ).toBe(201);
    await secretClient(first, 'admin', first.vaultUrl('made-at-runtime')).setSecret('s', 'survives');
    expect((await arm(first, { method: 'DELETE', path: vaultPath('vaultover', 'configured') })).status).toBe(
      200,
    );
    await first.close();
    node = undefined;
    // As if the node had crashed between the vault's commit and the index update.
    await redis.client().zrem(VAULT_INDEX_KEY, 'made-at-runtime');

    const second = await start();
    const listed = await arm(second, { path: providerPath('vaults') });
    const names = (listed.json as { value: { name: string }[] }).value.map((v) => v.name);
    expect(names).toContain('made-at-runtime');
    expect(names).not.toContain('configured');
    const deleted = await arm(second, {
      path: providerPath('locations/testregion/deletedVaults/configured'),
    });
    expect(deleted.status).toBe(200);
    // A fresh node (empty certificate cache) issues the run-time vault's certificate at the first handshake.
    const secrets = secretClient(second, 'admin', second.vaultUrl('made-at-runtime'));
    expect((await secrets.getSecret('s')).value).toBe('survives');
  });
});
