import type { RegionHealth, ReplicationHealth } from '@vaultover/contract';

/** A healthy region's `/health` body, with `overrides` (and replication fields) applied: for fake probes. */
export function regionHealth(
  overrides: Partial<Omit<RegionHealth, 'replication'>> & { replication?: Partial<ReplicationHealth> } = {},
): RegionHealth {
  const { replication, ...rest } = overrides;
  return {
    status: 'ok',
    problems: [],
    region: 'westeurope',
    role: 'primary',
    mode: 'read-write',
    epoch: 1,
    redis: { reachable: true, latencyMs: 0.2 },
    control: null,
    ...rest,
    replication: {
      state: 'streaming',
      lastPosition: null,
      lastCommitTime: null,
      lastAppliedPosition: null,
      lastAppliedTime: null,
      lagEntries: null,
      mode: null,
      ...replication,
    },
  };
}
