import type { SecretClient } from '@azure/keyvault-secrets';
import { CONTROL_KEYS } from '@vaultover/contract';
import { eventually, pollUntil } from '@vaultover/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, rawRequest, secretClient } from '../support/clients.ts';
import {
  type FailoverStack,
  PRIMARY,
  SECONDARY,
  STACK_TIMINGS,
  startFailoverStack,
  waitForState,
  waitUntilNormal,
} from '../support/failover-stack.ts';
import type { TestRegion } from '../support/region.ts';

// Fencing (docs/design.md#fencing): at most one region accepts writes at any instant, even when the
// control process is partitioned from the primary. The primary is cut off from the control Redis under a
// write load sent straight at both region nodes (not through the gateway, which would hide a second
// writer); the primary's lease runs out, it stops writing, the monitor sees its /health fail, and the
// secondary is promoted, read-only, once the lease key expired: the primary's last acknowledged write
// was answered before the secondary served anything.

const LEASE_MS = STACK_TIMINGS.failover.leaseMs;

interface WriteRecord {
  region: string;
  name: string;
  sentAt: number;
  answeredAt: number;
  ok: boolean;
  status: number | undefined;
}

let stack: FailoverStack;

beforeAll(async () => {
  stack = await startFailoverStack();
});

afterAll(async () => {
  await stack?.close();
});

/** Writes one new secret after another at `region` until `stop()`, recording each answer. */
function writeLoad(region: TestRegion, records: WriteRecord[]) {
  const client: SecretClient = secretClient(region, 'officer');
  let stopped = false;
  const run = (async () => {
    for (let i = 0; !stopped; i++) {
      const name = `fence-${region.region}-${i}`;
      const sentAt = Date.now();
      try {
        await client.setSecret(name, `v${i}`);
        records.push({ region: region.region, name, sentAt, answeredAt: Date.now(), ok: true, status: 200 });
      } catch (error) {
        const status = (error as { statusCode?: number }).statusCode;
        records.push({ region: region.region, name, sentAt, answeredAt: Date.now(), ok: false, status });
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      await run;
    },
  };
}

async function health(region: TestRegion) {
  const response = await rawRequest(region, { path: '/health' });
  return { status: response.status, body: response.json as { mode: string; problems: string[] } };
}

describe('fencing under a partition between the primary and the control Redis', () => {
  it('never lets two regions accept writes, stops the primary writing once its lease ran out, then fails over and back', async () => {
    const records: WriteRecord[] = [];
    const atPrimary = writeLoad(stack.primary, records);
    const atSecondary = writeLoad(stack.secondary, records);
    let cutAt = 0;
    let servingAt = 0;
    try {
      await pollUntil(
        'the primary acknowledged a few writes of the load',
        () => records.filter((r) => r.region === PRIMARY && r.ok).length >= 5,
      );

      stack.controlLink.addToxic({ name: 'partition', type: 'blackhole', stream: 'both' });
      cutAt = Date.now();

      // (c) The primary knows it lost its lease and says so; the monitor fails over to the secondary.
      await eventually(
        async () => {
          const h = await health(stack.primary);
          expect(h.status).toBe(503);
          expect(h.body.problems).toContain('it lost its write lease (the control store is unreachable)');
        },
        { timeoutMs: 5000 },
      );
      const failedOver = await waitForState(stack, 'failed-over', 10_000);
      expect(failedOver.serving).toBe(SECONDARY);
      expect(failedOver.lastFailover).toMatchObject({ from: PRIMARY, to: SECONDARY, forced: false });
      servingAt = Date.parse(failedOver.lastFailover?.servingAt ?? '');
      expect(servingAt).toBeGreaterThan(cutAt);
      // Nobody holds the write lease while failed over.
      expect(await stack.redis.control.client().exists(CONTROL_KEYS.lease)).toBe(0);

      // Let the load run against the promoted secondary for a moment: until it has refused some writes in
      // read-only mode.
      await eventually(async () => expect((await health(stack.secondary)).body.mode).toBe('read-only'));
      const readOnlyFrom = Date.now();
      await pollUntil('the secondary refused writes while read-only', () =>
        records.some((r) => r.region === SECONDARY && r.sentAt > readOnlyFrom),
      );
      const sentAfterFailover = records.filter((r) => r.region === PRIMARY && r.sentAt > servingAt).length;
      await pollUntil('the primary was sent writes after the promotion', () => {
        return records.filter((r) => r.region === PRIMARY && r.sentAt > servingAt).length > sentAfterFailover;
      });
    } finally {
      await atPrimary.stop();
      await atSecondary.stop();
    }

    // (a) The secondary never acknowledged a write: standby before the failover, read-only after.
    const secondaryWrites = records.filter((r) => r.region === SECONDARY);
    expect(secondaryWrites.length).toBeGreaterThan(10);
    expect(secondaryWrites.filter((r) => r.ok)).toEqual([]);
    expect(new Set(secondaryWrites.map((r) => r.status))).toEqual(new Set([503]));

    // (b) No write sent to the primary after its lease could have run out was acknowledged. The fence
    // counts from the last renewal SENT, which was before the cut: a write sent later than cut + lease
    // found the fence up (a write sent just before may still be answered after: assert on send time).
    const primaryWrites = records.filter((r) => r.region === PRIMARY);
    const acknowledged = primaryWrites.filter((r) => r.ok);
    const refused = primaryWrites.filter((r) => !r.ok);
    expect(acknowledged.length).toBeGreaterThanOrEqual(5);
    expect(acknowledged.filter((r) => r.sentAt > cutAt + LEASE_MS)).toEqual([]);
    expect(refused.length).toBeGreaterThan(0);
    expect(new Set(refused.map((r) => r.status))).toEqual(new Set([503]));
    // The primary's writes were all over before the secondary was promoted.
    expect(Math.max(...acknowledged.map((r) => r.answeredAt))).toBeLessThan(servingAt);
    const lastAcknowledgedSend = Math.max(...acknowledged.map((r) => r.sentAt));
    const firstRefusedSend = Math.min(...refused.map((r) => r.sentAt));
    // Acknowledged writes all precede the refusals: once fenced, the primary never wrote again.
    expect(lastAcknowledgedSend).toBeLessThanOrEqual(firstRefusedSend);
    expect(stack.primaryNode().mode.writable).toBe(false);
    // Refused means not applied either: none of the refused names reached the primary's Redis.
    const primaryRedis = stack.redis.primary.storeClient();
    const stored = await Promise.all(
      refused.map((r) => primaryRedis.exists(`vo:{vaultover}:o:secret:${r.name}`)),
    );
    expect(stored.filter((n) => n === 1)).toEqual([]);
    expect(await primaryRedis.exists(`vo:{vaultover}:o:secret:${acknowledged[0]?.name}`)).toBe(1);

    // What the secondary holds is a prefix of what the primary acknowledged, nothing of its own.
    const gatewayRead = await rawRequest(stack.gateway, {
      path: `/secrets/${acknowledged[0]?.name}?${API}`,
      principal: 'officer',
    });
    expect(gatewayRead.status).toBe(200);
    expect(gatewayRead.headers['x-ms-keyvault-region']).toBe(SECONDARY);
    expect(gatewayRead.headers['x-vaultover-mode']).toBe('read-only');
    expect((gatewayRead.json as { value: string }).value).toBe('v0');
    // Read-only through the gateway too.
    await expect(stack.gatewayClient().setSecret('fence-gateway-ro', 'v')).rejects.toMatchObject({
      statusCode: 503,
      code: 'ServiceUnavailable',
    });

    // Heal: the primary renews again (as a standby: not the writer), turns healthy, and fails back.
    stack.controlLink.removeToxic('partition');
    await eventually(async () => expect((await health(stack.primary)).status).toBe(200), { timeoutMs: 5000 });
    await waitForState(stack, 'normal', 10_000);
    await waitUntilNormal(stack);
    const back = await stack.gatewayClient().setSecret('fence-after-failback', 'back');
    expect(back.value).toBe('back');
    const read = await rawRequest(stack.gateway, {
      path: `/secrets/fence-after-failback?${API}`,
      principal: 'officer',
    });
    expect(read.headers['x-ms-keyvault-region']).toBe(PRIMARY);
    expect(read.headers['x-vaultover-mode']).toBe('read-write');
    // Each answer names the epoch it was given in: the failback moved it on.
    const epochOf = (reply: typeof read) => Number(reply.headers['x-vaultover-epoch']);
    expect(epochOf(gatewayRead)).toBeGreaterThan(0);
    expect(epochOf(read)).toBeGreaterThan(epochOf(gatewayRead));
    // Replication resumed: the secondary applies the new write.
    const secondaryRedis = stack.redis.secondary.storeClient();
    await eventually(async () =>
      expect(await secondaryRedis.exists('vo:{vaultover}:o:secret:fence-after-failback')).toBe(1),
    );
  });
});
