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

// The gauges the dashboards read during a failover (docs/metrics.md): the control process's serving
// region and last recovery time, each region's write lease, through a forced failover, its failback
// and a failover the monitor decided.

let stack: FailoverStack;

beforeAll(async () => {
  stack = await startFailoverStack({ failover: { autoFailback: false } });
  await waitUntilNormal(stack);
});

afterAll(async () => {
  await stack?.close();
});

/** The value of the sample `series` (name and labels as printed) on `target`'s /metrics, or undefined. */
async function sample(target: TestRegion, series: string): Promise<number | undefined> {
  const { text } = await rawRequest(target, { path: '/metrics' });
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const serving = (region: string) => sample(stack.control, `vaultover_serving_region{region="${region}"}`);
const leaseHeld = (target: TestRegion, region: string) =>
  sample(target, `vaultover_write_lease_held{region="${region}"}`);
const lastRto = () => sample(stack.control, 'vaultover_failover_last_rto_seconds');

/** Seconds between two ISO times of the status. */
const between = (from: string | null | undefined, to: string | null | undefined) =>
  (Date.parse(to ?? '') - Date.parse(from ?? '')) / 1000;

describe('failover metrics', () => {
  it('move the serving region and the write lease with a forced failover and its failback, and set the last RTO', async () => {
    expect(await serving(PRIMARY)).toBe(1);
    expect(await serving(SECONDARY)).toBe(0);
    expect(await leaseHeld(stack.primary, PRIMARY)).toBe(1);
    expect(await leaseHeld(stack.secondary, SECONDARY)).toBe(0);
    expect(await lastRto()).toBeUndefined();

    expect((await stack.controlPost('failover')).status).toBe(202);
    const failedOver = await waitForState(stack, 'failed-over');
    const record = failedOver.lastFailover;
    expect(record).toMatchObject({ forced: true, triggeredAt: expect.any(String) });
    // From the request to serving: the window (1 s) and the lease wait at least.
    const rto = between(record?.triggeredAt, record?.servingAt);
    expect(rto).toBeGreaterThanOrEqual(1);
    expect(rto).toBeGreaterThanOrEqual(between(record?.startedAt, record?.servingAt));
    await eventually(async () => {
      expect(await serving(SECONDARY)).toBe(1);
      expect(await serving(PRIMARY)).toBe(0);
      expect(await lastRto()).toBeCloseTo(rto, 3);
      expect(await leaseHeld(stack.primary, PRIMARY)).toBe(0);
    });
    expect(await leaseHeld(stack.secondary, SECONDARY)).toBe(0);

    expect((await stack.controlPost('failback')).status).toBe(202);
    await waitUntilNormal(stack);
    await eventually(async () => {
      expect(await serving(PRIMARY)).toBe(1);
      expect(await serving(SECONDARY)).toBe(0);
      expect(await leaseHeld(stack.primary, PRIMARY)).toBe(1);
    });
    // The failback completes no failover: the last RTO stays the failover's.
    expect(await lastRto()).toBeCloseTo(rto, 3);
  });

  it("times a failover the monitor decided from the primary's first failed probe, before its verdict", async () => {
    expect((await stack.controlPost(`regions/${PRIMARY}/health/fail`)).status).toBe(200);
    const failedOver = await waitForState(stack, 'failed-over');
    const record = failedOver.lastFailover;
    expect(record).toMatchObject({ forced: false });
    // Two failed probes 200 ms apart make the verdict (STACK_TIMINGS): the first came before it.
    expect(Date.parse(record?.triggeredAt ?? '')).toBeLessThan(Date.parse(record?.detectedAt ?? ''));
    const rto = between(record?.triggeredAt, record?.servingAt);
    expect(rto).toBeGreaterThan(between(record?.detectedAt, record?.servingAt));
    await eventually(async () => expect(await lastRto()).toBeCloseTo(rto, 3));
    expect((await stack.controlPost(`regions/${PRIMARY}/health/ok`)).status).toBe(200);
  });
});
