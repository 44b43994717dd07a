import { describe, expect, it } from 'vitest';
import { ControlMetrics } from './control-metrics.ts';
import type { FailoverRecord, FailoverState } from './failover/failover-state.ts';

const T0 = Date.parse('2026-11-23T08:00:00Z');
const pair = { primary: 'westeurope', secondary: 'northeurope' };
const failover: FailoverRecord = {
  from: 'westeurope',
  to: 'northeurope',
  reason: 'westeurope failed its health checks',
  forced: false,
  triggeredAt: T0 - 2500,
  detectedAt: T0 - 500,
  startedAt: T0,
  servingAt: null,
  failbackStartedAt: null,
  endedAt: null,
  rpo: null,
  recoveredChanges: null,
};

const failingOver: FailoverState = {
  ...pair,
  state: 'failing-over',
  epoch: 2,
  since: T0,
  windowEndsAt: T0 + 1,
  failover,
};
const failedOver: FailoverState = {
  ...pair,
  state: 'failed-over',
  epoch: 3,
  since: T0 + 4000,
  failover: { ...failover, servingAt: T0 + 4000 },
};

/** The sample lines of one metric in the registry's text output. */
async function samples(metrics: ControlMetrics, name: string): Promise<string[]> {
  const text = await metrics.registry.metrics();
  return text.split('\n').filter((line) => line.startsWith(`${name} `) || line.startsWith(`${name}{`));
}

describe('ControlMetrics', () => {
  it('shows the serving region: the primary in normal, none in a window, the secondary failed over', async () => {
    const metrics = new ControlMetrics();
    metrics.showState({ ...pair, state: 'normal', epoch: 1, since: T0, lastFailover: null });
    expect(await samples(metrics, 'vaultover_serving_region')).toEqual([
      'vaultover_serving_region{region="westeurope"} 1',
      'vaultover_serving_region{region="northeurope"} 0',
    ]);
    metrics.showState(failingOver);
    expect(await samples(metrics, 'vaultover_serving_region')).toEqual([
      'vaultover_serving_region{region="westeurope"} 0',
      'vaultover_serving_region{region="northeurope"} 0',
    ]);
    metrics.showState(failedOver);
    expect(await samples(metrics, 'vaultover_serving_region')).toEqual([
      'vaultover_serving_region{region="westeurope"} 0',
      'vaultover_serving_region{region="northeurope"} 1',
    ]);
  });

  it('has no last RTO until a failover completed, then the time from its first failed probe to serving', async () => {
    const metrics = new ControlMetrics();
    metrics.showState(failingOver);
    expect(await samples(metrics, 'vaultover_failover_last_rto_seconds')).toEqual([]);
    expect(await metrics.registry.metrics()).toContain('# TYPE vaultover_failover_last_rto_seconds gauge');
    metrics.showState(failedOver);
    expect(await samples(metrics, 'vaultover_failover_last_rto_seconds')).toEqual([
      'vaultover_failover_last_rto_seconds 6.5',
    ]);
  });

  it('reads the last RTO back from the persisted state after a restart, and falls back for older records', async () => {
    const restarted = new ControlMetrics();
    const lastFailover = { ...failover, servingAt: T0 + 4000, endedAt: T0 + 9000 };
    const normal: FailoverState = { ...pair, state: 'normal', epoch: 5, since: T0 + 9000, lastFailover };
    restarted.showState(normal);
    expect(await samples(restarted, 'vaultover_failover_last_rto_seconds')).toEqual([
      'vaultover_failover_last_rto_seconds 6.5',
    ]);
    // A record from before triggeredAt existed: from the monitor's verdict; forced, from the start.
    restarted.showState({ ...normal, lastFailover: { ...lastFailover, triggeredAt: null } });
    expect(await samples(restarted, 'vaultover_failover_last_rto_seconds')).toEqual([
      'vaultover_failover_last_rto_seconds 4.5',
    ]);
    restarted.showState({
      ...normal,
      lastFailover: { ...lastFailover, forced: true, triggeredAt: null, detectedAt: null },
    });
    expect(await samples(restarted, 'vaultover_failover_last_rto_seconds')).toEqual([
      'vaultover_failover_last_rto_seconds 4',
    ]);
  });
});
