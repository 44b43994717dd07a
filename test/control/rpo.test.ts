import type { SecretClient } from '@azure/keyvault-secrets';
import type { RpoReport } from '@vaultover/control';
import { eventually } from '@vaultover/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../support/clients.ts';
import {
  type FailoverStack,
  PRIMARY,
  SECONDARY,
  startFailoverStack,
  waitForState,
  waitUntilNormal,
} from '../support/failover-stack.ts';
import type { TestRegion } from '../support/region.ts';

// RPO accounting (docs/design.md#rpo-accounting): at failover the control process counts the changes
// the primary had committed that the secondary had not applied. In async mode, writes acknowledged by
// the primary behind a cut replication link are lost to the failover (counted, not readable while failed
// over) and come back with the primary at failback. In sync mode such writes are never acknowledged.

const K = 4;

interface Replication {
  lastPosition: number | null;
  lastAppliedPosition: number | null;
  digests: Record<string, string>;
}

async function replicationStatus(region: TestRegion): Promise<Replication> {
  const response = await rawRequest(region, { path: '/replication/status', principal: 'admin' });
  if (response.status !== 200) throw new Error(`/replication/status answered ${response.status}`);
  return response.json as Replication;
}

/** The primary's position as the monitor last saw it, and the secondary's applied one (control status). */
async function monitoredPositions(stack: FailoverStack) {
  const status = await stack.status();
  const primary = status.regions[PRIMARY]?.replication as { lastPosition: number } | null;
  const secondary = status.regions[SECONDARY]?.replication as { lastAppliedPosition: number } | null;
  return { primary: primary?.lastPosition ?? -1, secondaryApplied: secondary?.lastAppliedPosition ?? -1 };
}

/** Writes a baseline and waits until the secondary applied all of it, as the monitor sees it. */
async function baseline(stack: FailoverStack, client: SecretClient, prefix: string): Promise<number> {
  for (let i = 0; i < 3; i++) await client.setSecret(`${prefix}-kept-${i}`, `kept-${i}`);
  const position = (await replicationStatus(stack.primary)).lastPosition ?? 0;
  expect(position).toBeGreaterThanOrEqual(4); // the vault's creation and the three secrets
  await eventually(async () =>
    expect(await monitoredPositions(stack)).toEqual({ primary: position, secondaryApplied: position }),
  );
  return position;
}

/** `vaultover_failovers_total` on the control process's /metrics. */
async function failoversTotal(stack: FailoverStack): Promise<number> {
  const response = await rawRequest(stack.control, { path: '/metrics' });
  const line = response.text.split('\n').find((l) => l.startsWith('vaultover_failovers_total'));
  return Number(line?.split(' ')[1] ?? Number.NaN);
}

/** Crashes the primary node (its Redis stays up, the replication link stays cut) and waits for failed-over. */
async function crashAndFailOver(stack: FailoverStack) {
  await stack.stopPrimary();
  const failedOver = await waitForState(stack, 'failed-over', 10_000);
  expect(failedOver.serving).toBe(SECONDARY);
  expect(failedOver.lastFailover).toMatchObject({ from: PRIMARY, to: SECONDARY, forced: false });
  return failedOver;
}

/**
 * Heals the link, restarts the primary (same port, Redis and data directory), and waits for the automatic
 * failback and converged digests. Healed first: the replicator may take up to its command deadline (10 s
 * by default) to notice a connection that lost a command in the blackhole, so its recovery overlaps the
 * restart and failback.
 */
async function healRestartAndFailBack(stack: FailoverStack) {
  stack.replicationLink.removeToxic('cut');
  await stack.restartPrimary();
  await waitForState(stack, 'normal', 15_000);
  await waitUntilNormal(stack);
  await eventually(
    async () => {
      const [p, s] = await Promise.all([
        replicationStatus(stack.primary),
        replicationStatus(stack.secondary),
      ]);
      expect(s.lastAppliedPosition).toBe(p.lastPosition);
      expect(Object.keys(p.digests).length).toBeGreaterThan(0);
      expect(s.digests).toEqual(p.digests);
    },
    { timeoutMs: 15_000 },
  );
}

describe('RPO in async mode', () => {
  let stack: FailoverStack;

  beforeAll(async () => {
    stack = await startFailoverStack({ replicationMode: 'async' });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('counts the acknowledged writes the secondary never got, hides them while failed over, and brings them back at failback', async () => {
    const client = stack.gatewayClient();
    const base = await baseline(stack, client, 'async');
    expect(await failoversTotal(stack)).toBe(0);

    stack.replicationLink.addToxic({ name: 'cut', type: 'blackhole', stream: 'both' });
    const lost = Array.from({ length: K }, (_, i) => `async-lost-${i}`);
    for (const name of lost)
      expect((await client.setSecret(name, `${name}-value`)).value).toBe(`${name}-value`);
    // The monitor has seen the primary commit them (so has the primary's own stream); the secondary has not.
    await eventually(async () =>
      expect(await monitoredPositions(stack)).toEqual({ primary: base + K, secondaryApplied: base }),
    );

    const failedOver = await crashAndFailOver(stack);
    expect(failedOver.lastFailover?.rpo).toMatchObject({
      lostChanges: K,
      unacknowledgedChanges: 0,
      primaryPosition: base + K,
      primaryPositionFrom: 'store',
      secondaryAppliedPosition: base,
    });
    expect(failedOver.lastFailover?.rpo?.newestLostCommitTime).toEqual(expect.any(String));
    const events = await stack.events();
    const promoted = events.filter((e) => e.kind === 'transition' && e.details.to === 'failed-over');
    expect(promoted).toHaveLength(1);
    expect(promoted[0]?.details.rpo).toMatchObject({ lostChanges: K });
    expect(await failoversTotal(stack)).toBe(1);

    // Failed over: the secondary serves what it has. The lost writes are not there; the baseline is.
    expect((await client.getSecret('async-kept-0')).value).toBe('kept-0');
    for (const name of lost) await expect(client.getSecret(name)).rejects.toMatchObject({ statusCode: 404 });

    await healRestartAndFailBack(stack);
    for (const name of lost) expect((await client.getSecret(name)).value).toBe(`${name}-value`);
    const after = await stack.status();
    expect(after.lastFailover).toMatchObject({
      rpo: { lostChanges: K },
      recoveredChanges: K,
      endedAt: expect.any(String),
    });
    const metrics = (await rawRequest(stack.control, { path: '/metrics' })).text;
    expect(metrics).toContain(`vaultover_failover_rpo_changes ${K}`);
    expect(metrics).toMatch(/vaultover_failover_rpo_seconds \d/);
    expect(await failoversTotal(stack)).toBe(1);
  });
});

describe('RPO in sync mode', () => {
  let stack: FailoverStack;
  let rpo: RpoReport | null | undefined;

  beforeAll(async () => {
    stack = await startFailoverStack({ replicationMode: 'sync', syncTimeoutMs: 300 });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('acknowledges no write the secondary has not applied, so a failover loses no acknowledged write', async () => {
    const client = stack.gatewayClient();
    const base = await baseline(stack, client, 'sync');

    stack.replicationLink.addToxic({ name: 'cut', type: 'blackhole', stream: 'both' });
    const unacknowledged = Array.from({ length: K }, (_, i) => `sync-unacked-${i}`);
    for (const name of unacknowledged) {
      await expect(client.setSecret(name, `${name}-value`)).rejects.toMatchObject({
        statusCode: 503,
        code: 'ServiceUnavailable',
        message: expect.stringContaining('not replicated to northeurope within 300 ms (sync replication)'),
      });
    }
    // Refused to the client, but committed on the primary (docs/region-api.md, "Replication modes").
    await eventually(async () =>
      expect(await monitoredPositions(stack)).toEqual({ primary: base + K, secondaryApplied: base }),
    );

    const failedOver = await crashAndFailOver(stack);
    rpo = failedOver.lastFailover?.rpo;
    expect(rpo).toMatchObject({
      primaryPosition: base + K,
      primaryPositionFrom: 'store',
      secondaryAppliedPosition: base,
    });
    expect(await failoversTotal(stack)).toBe(1);
    // Every acknowledged write is served by the secondary; the refused ones are not there.
    for (let i = 0; i < 3; i++) expect((await client.getSecret(`sync-kept-${i}`)).value).toBe(`kept-${i}`);
    for (const name of unacknowledged) {
      await expect(client.getSecret(name)).rejects.toMatchObject({ statusCode: 404 });
    }

    await healRestartAndFailBack(stack);
    // The committed-but-refused writes come back with the primary, as documented.
    for (const name of unacknowledged) expect((await client.getSecret(name)).value).toBe(`${name}-value`);
    expect((await client.setSecret('sync-after', 'v')).value).toBe('v');
  });

  // Sync mode acknowledges nothing the secondary has not applied, so no acknowledged write can be lost:
  // lostChanges must be 0. The K refused writes are reported apart, as unacknowledged.
  it('reports rpo.lostChanges 0 for that failover, and the refused writes as unacknowledged', () => {
    expect(rpo?.unacknowledgedChanges).toBe(K);
    expect(rpo?.lostChanges).toBe(0);
  });
});
