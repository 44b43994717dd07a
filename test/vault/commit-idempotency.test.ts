import { randomBytes } from 'node:crypto';
import { redisNodesOf, redisUrlThrough } from '@vaultover/foundation/redis';
import { LinkProxy } from '@vaultover/link-proxy';
import { pollUntil, startTestRedis, type TestRedis } from '@vaultover/testkit';
import { createVaultService, SimulatedClock, type VaultService } from '@vaultover/vault';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeLogProbe } from '../support/change-log.ts';

// Issue 13, defect 9: ioredis re-sends a command whose reply a dropped connection lost. A commit re-sent
// that way used to run twice: the second run failed its guards, and the client got an error for a write
// that had happened. Each commit carries an idempotency key, and a re-sent commit answers the first
// run's result (docs/architecture.md, "One mutation, one atomic step").

/** How long the link holds every reply: long enough to see the commit land before its reply does. */
const REPLY_DELAY_MS = 1500;

let redis: TestRedis;
/** Straight to Redis: what the test reads. */
let db: Redis;
let proxy: LinkProxy;
/** Through the link proxy, configured as a region node's: what the service writes with. */
let proxied: Redis;
let service: VaultService;
let probe: ChangeLogProbe;

beforeAll(async () => {
  redis = await startTestRedis('commit-idempotency', { externalDb: 8 });
  db = redis.client();
  proxy = new LinkProxy({ name: 'store', upstream: redisNodesOf(redis.url) });
  await proxy.start();
  // The same user and database as the test's own client, through the proxy.
  proxied = new Redis(redisUrlThrough(redis.url, proxy.routes), {
    maxRetriesPerRequest: 2,
    connectTimeout: 2000,
    enableAutoPipelining: true,
  });
  const clock = new SimulatedClock();
  probe = new ChangeLogProbe(db, redis.client(redis.kind === 'external' ? 9 : 1), clock);
  service = createVaultService({ redis: proxied, clock, masterKey: randomBytes(32) });
});

afterAll(async () => {
  await service?.close();
  proxied?.disconnect();
  await proxy?.close();
  await redis?.stop();
});

const freshVault = () => `ci-${randomBytes(3).toString('hex')}`;

/**
 * Runs `action` (one commit) while the link holds every reply; once the commit has run in Redis, cuts
 * the link, so that its reply is lost and ioredis reconnects and sends the commit again.
 */
async function withLostReply<T>(
  vault: string,
  action: () => Promise<T>,
): Promise<{ value?: T; error?: unknown }> {
  const before = await probe.position(vault);
  proxy.addToxic({
    name: 'slow-replies',
    type: 'latency',
    stream: 'downstream',
    attributes: { latency: REPLY_DELAY_MS },
  });
  const outcome = action().then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  await pollUntil('the commit ran in Redis', async () => (await probe.position(vault)) > before, {
    timeoutMs: 10 * REPLY_DELAY_MS,
    intervalMs: 10,
  });
  const connections = proxy.metrics().connectionsTotal;
  await proxy.setEnabled(false);
  proxy.removeToxic('slow-replies');
  await proxy.setEnabled(true);
  const result = await outcome;
  expect(proxy.metrics().connectionsTotal, 'ioredis reconnected').toBeGreaterThan(connections);
  return result;
}

describe('a commit whose reply a dropped connection lost', () => {
  it('writes one version when re-sent, and the caller gets that version', async () => {
    const vault = freshVault();
    await service.vaults.ensure({ name: vault, retentionDays: 7 });
    const first = await service.secrets.set(vault, 'db-password', { value: 'one' });
    const before = await probe.position(vault);

    const result = await withLostReply(vault, () =>
      service.secrets.set(vault, 'db-password', { value: 'two' }),
    );
    expect(result.error).toBeUndefined();
    const second = result.value;
    expect(second?.version).not.toBe(first.version);
    // One write: one new position, one change entry, and the version the caller was told is the latest.
    expect(await probe.position(vault)).toBe(before + 1);
    expect((await probe.entries(vault)).map((entry) => entry.op)).toEqual([
      'VaultPut',
      'SecretSet',
      'SecretSet',
    ]);
    expect((await service.secrets.get(vault, 'db-password')).version).toBe(second?.version);
    await probe.expectReplayReproduces(vault);
  });

  it('answers a guarded commit (a delete) with its first run’s success, not its second run’s refusal', async () => {
    const vault = freshVault();
    await service.vaults.ensure({ name: vault, retentionDays: 7 });
    await service.secrets.set(vault, 'db-password', { value: 'one' });
    const before = await probe.position(vault);

    const result = await withLostReply(vault, () => service.secrets.delete(vault, 'db-password'));
    expect(result.error).toBeUndefined();
    expect(result.value).toMatchObject({ name: 'db-password' });
    expect(await probe.position(vault)).toBe(before + 1);
    expect((await probe.entries(vault)).map((entry) => entry.op)).toEqual([
      'VaultPut',
      'SecretSet',
      'SecretDelete',
    ]);
    await probe.expectReplayReproduces(vault);
  });
});
