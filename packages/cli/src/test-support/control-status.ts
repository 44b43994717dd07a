import type { ControlStatus } from '@vaultover/control';

const probe = { at: '2026-01-01T00:00:01.000Z', ok: true, reason: null };

/** A control API status of a healthy pair in `normal`, with `overrides`, as `GET /api/status` answers. */
export function controlStatus(overrides: Partial<ControlStatus> = {}): ControlStatus {
  return {
    state: 'normal',
    epoch: 3,
    serving: 'westeurope',
    windowEndsAt: null,
    paused: false,
    regions: {
      westeurope: {
        role: 'primary',
        url: 'https://localhost:1',
        mode: 'read-write',
        healthy: true,
        lastProbe: probe,
        replication: null,
      },
      northeurope: {
        role: 'secondary',
        url: 'https://localhost:2',
        mode: 'standby',
        healthy: true,
        lastProbe: probe,
        replication: { lagEntries: 2 },
      },
    },
    lastFailover: null,
    ...overrides,
  };
}
