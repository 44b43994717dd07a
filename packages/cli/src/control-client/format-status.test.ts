import { describe, expect, it } from 'vitest';
import { controlStatus as status } from '../test-support/control-status.ts';
import { formatEvent } from './format-event.ts';
import { formatStatus } from './format-status.ts';

describe('formatStatus', () => {
  it('shows the state, the serving region and a row per region', () => {
    expect(formatStatus(status()).split('\n')).toEqual([
      'state    normal',
      'epoch    3',
      'serving  westeurope',
      '',
      'REGION       ROLE       MODE        HEALTHY  LAG        LAST PROBE',
      'westeurope   primary    read-write  yes      -          ok 2026-01-01T00:00:01.000Z',
      'northeurope  secondary  standby     yes      2 entries  ok 2026-01-01T00:00:01.000Z',
      '',
      'last failover  none',
      '',
    ]);
  });

  it('shows a window, a failed probe and the last failover with its RPO', () => {
    const text = formatStatus(
      status({
        state: 'failing-over',
        serving: null,
        windowEndsAt: '2026-01-01T00:00:09.000Z',
        paused: true,
        regions: {
          westeurope: {
            role: 'primary',
            url: 'https://localhost:1',
            mode: 'offline',
            healthy: false,
            lastProbe: { at: '2026-01-01T00:00:05.000Z', ok: false, reason: 'ECONNREFUSED' },
            replication: null,
          },
        },
        lastFailover: {
          from: 'westeurope',
          to: 'northeurope',
          reason: 'westeurope unhealthy',
          forced: false,
          detectedAt: null,
          triggeredAt: null,
          startedAt: '2026-01-01T00:00:04.000Z',
          servingAt: null,
          failbackStartedAt: null,
          endedAt: null,
          recoveredChanges: null,
          rpo: {
            lostChanges: 2,
            unacknowledgedChanges: 0,
            newestLostCommitTime: null,
            lostWindowSeconds: 0.4,
            primaryPosition: 9,
            secondaryAppliedPosition: 7,
          },
        },
      }),
    );
    expect(text).toContain('state    failing-over (window ends 2026-01-01T00:00:09.000Z)  (monitor paused)');
    expect(text).toContain('serving  (nobody: transition window)');
    expect(text).toContain(
      '\nwesteurope  primary  offline  no       -    failed 2026-01-01T00:00:05.000Z: ECONNREFUSED\n',
    );
    expect(text).toContain(
      'last failover  westeurope → northeurope (westeurope unhealthy) started 2026-01-01T00:00:04.000Z, RPO 2 changes lost (0.4 s of writes)',
    );
  });
});

describe('formatEvent', () => {
  it('prints time, kind and details on one line', () => {
    expect(
      formatEvent({
        id: '1-0',
        time: '2026-01-01T00:00:00.000Z',
        kind: 'probe',
        details: { region: 'westeurope', healthy: false, reason: 'connect ECONNREFUSED 127.0.0.1:1' },
      }),
    ).toBe(
      '2026-01-01T00:00:00.000Z  probe       region=westeurope healthy=false reason="connect ECONNREFUSED 127.0.0.1:1"',
    );
  });
});
