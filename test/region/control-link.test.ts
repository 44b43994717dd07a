import { CONTROL_KEYS } from '@vaultover/contract';
import { type FailoverState, FailoverStore } from '@vaultover/control';
import { redisNodesOf, redisUrlThrough } from '@vaultover/foundation/redis';
import { LinkProxy } from '@vaultover/link-proxy';
import { eventually, startTestRedis, type TestRedis } from '@vaultover/testkit';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest, secretClient } from '../support/clients.ts';
import { normalState } from '../support/failover-states.ts';
import { startTestRegion, type TestRegion } from '../support/region.ts';

// A region node under a control process's failover state (docs/design.md#fencing): it serves nothing until
// the state says what it is, writes only while it holds the write lease, and stops writing once a
// partition from the control Redis lets the lease run out.

const LEASE_MS = 600;
const REGION = 'westeurope';

let control: TestRedis;
let controlClient: Redis;
let proxy: LinkProxy;
let region: TestRegion;

beforeAll(async () => {
  control = await startTestRedis('control', { externalDb: 6 });
  controlClient = control.client();
  await controlClient.del(CONTROL_KEYS.failover, CONTROL_KEYS.lease);
  proxy = new LinkProxy({ name: 'control', upstream: redisNodesOf(control.url) });
  await proxy.start();
  region = await startTestRegion({
    externalDb: 3,
    region: REGION,
    node: {
      control: { redisUrl: redisUrlThrough(control.url, proxy.routes), leaseMs: LEASE_MS },
    },
  });
});

afterAll(async () => {
  await region?.close();
  await proxy?.close();
  await control?.stop();
});

const normal = (epoch: number) => normalState(epoch, REGION);

interface Health {
  mode: string;
  epoch: number;
  problems: string[];
  control: { link: string; epoch: number | null; lease: string; writer: boolean };
}

async function health(): Promise<{ status: number; body: Health }> {
  const response = await rawRequest(region, { path: '/health' });
  return { status: response.status, body: response.json as Health };
}

describe('a region node under a control process', () => {
  it('serves nothing before the failover state exists, then writes as the writer holding the lease', async () => {
    const client = secretClient(region, 'officer');
    await expect(client.setSecret('early', 'v')).rejects.toMatchObject({ statusCode: 503 });
    expect((await health()).body).toMatchObject({
      mode: 'standby',
      control: { link: 'up', epoch: null, lease: 'none' },
    });

    const store = new FailoverStore(controlClient);
    await store.ensure(normal(1));
    await eventually(async () =>
      expect((await health()).body).toMatchObject({ mode: 'read-write', epoch: 1 }),
    );
    await eventually(async () =>
      expect((await health()).body.control).toMatchObject({ lease: 'held', writer: true }),
    );
    expect(await controlClient.get(CONTROL_KEYS.lease)).toBe(`${REGION}:1`);
    expect((await client.setSecret('written', 'v')).properties.version).toBeTruthy();
  });

  it('stops writing once the lease runs out behind a partition, reports unhealthy, and writes again when healed', async () => {
    const client = secretClient(region, 'officer');
    await eventually(async () => expect((await health()).body.control).toMatchObject({ lease: 'held' }));
    proxy.addToxic({ name: 'partition', type: 'blackhole', stream: 'both' });
    const cutAt = Date.now();
    // The last renewal was sent at most a renew interval before the cut: the lease ends by cut + LEASE_MS.
    await eventually(
      async () => {
        await expect(client.setSecret('fenced', 'v')).rejects.toMatchObject({ statusCode: 503 });
      },
      { timeoutMs: 5000 },
    );
    expect(Date.now() - cutAt).toBeLessThan(LEASE_MS + 1000);
    const unhealthy = await health();
    expect(unhealthy.status).toBe(503);
    expect(unhealthy.body.problems).toContain('it lost its write lease (the control store is unreachable)');
    const reads = await client.getSecret('written');
    expect(reads.value).toBe('v');
    // Meanwhile the key in the control Redis has expired too: nobody holds the lease.
    await eventually(async () => expect(await controlClient.exists(CONTROL_KEYS.lease)).toBe(0), {
      timeoutMs: 3000,
    });

    proxy.removeToxic('partition');
    await eventually(async () => expect((await health()).status).toBe(200), { timeoutMs: 5000 });
    expect((await client.setSecret('healed', 'v')).value).toBe('v');
  });

  it('follows a transition: standby when the state moves on, and refuses writes routed under an old epoch', async () => {
    const store = new FailoverStore(controlClient);
    const current = await store.load();
    if (current?.state !== 'normal') throw new Error(`expected normal, found ${current?.state}`);
    const failingOver: FailoverState & { state: 'failing-over' } = {
      state: 'failing-over',
      epoch: current.epoch + 1,
      primary: REGION,
      secondary: 'northeurope',
      since: Date.now(),
      windowEndsAt: Date.now() + 1000,
      failover: {
        from: REGION,
        to: 'northeurope',
        reason: 'test',
        forced: true,
        detectedAt: null,
        triggeredAt: null,
        startedAt: Date.now(),
        servingAt: null,
        failbackStartedAt: null,
        endedAt: null,
        recoveredChanges: null,
        rpo: null,
      },
    };
    expect(
      await store.transition('failover-started', current, failingOver, { reason: 'test', forced: true }),
    ).toBe(true);
    await eventually(async () =>
      expect((await health()).body).toMatchObject({ mode: 'standby', epoch: current.epoch + 1 }),
    );
    await expect(secretClient(region, 'officer').setSecret('late', 'v')).rejects.toMatchObject({
      statusCode: 503,
    });

    // Back to normal the only way the state machine allows: through failed-over and failing-back.
    const { failover } = failingOver;
    const pair = { primary: REGION, secondary: 'northeurope', since: Date.now() };
    const failedOver = { ...pair, state: 'failed-over' as const, epoch: current.epoch + 2, failover };
    const windowEndsAt = Date.now();
    const failingBack = {
      ...pair,
      state: 'failing-back' as const,
      epoch: current.epoch + 3,
      windowEndsAt,
      failover,
    };
    const back = { ...normal(current.epoch + 4), lastFailover: failover };
    const rpo = {
      lostChanges: 0,
      unacknowledgedChanges: 0,
      newestLostCommitTime: null,
      lostWindowSeconds: null,
      primaryPosition: null,
      secondaryAppliedPosition: null,
    };
    expect(await store.transition('promoted', failingOver, failedOver, { rpo })).toBe(true);
    expect(
      await store.transition('failback-started', failedOver, failingBack, { reason: 'test', forced: true }),
    ).toBe(true);
    expect(await store.transition('failed-back', failingBack, back, { recoveredChanges: 0 })).toBe(true);
    await eventually(async () =>
      expect((await health()).body).toMatchObject({ mode: 'read-write', epoch: current.epoch + 4 }),
    );
    await eventually(async () => expect((await health()).body.control).toMatchObject({ lease: 'held' }));
    const stale = await rawRequest(region, {
      method: 'PUT',
      path: '/secrets/stale?api-version=2026-04-01',
      principal: 'officer',
      headers: { 'x-vaultover-epoch': String(current.epoch) },
      body: { value: 'v' },
    });
    expect(stale.status).toBe(503);
    expect((stale.json as { error: { code: string } }).error.code).toBe('ServiceUnavailable');
  });
});
