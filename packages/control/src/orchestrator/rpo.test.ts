import type { RegionHealth } from '@vaultover/contract';
import { regionHealth } from '@vaultover/testkit';
import { describe, expect, it } from 'vitest';
import { measureRpo, type PositionsSource } from './rpo.ts';

const PRIMARY = 'westeurope';
const SECONDARY = 'northeurope';

function health(mode: 'async' | 'sync' | null, lastPosition: number | null, applied: number | null) {
  return regionHealth({ replication: { mode, lastPosition, lastAppliedPosition: applied } });
}

function source(
  probes: Record<string, RegionHealth>,
  stored?: Record<string, number | undefined>,
): PositionsSource {
  return {
    latest: async (region) => probes[region],
    ...(stored ? { stored: async (region: string) => stored[region] } : {}),
  };
}

describe('measureRpo', () => {
  const probes = { [PRIMARY]: health('async', 120, null), [SECONDARY]: health(null, 118, 117) };

  it('counts from the old primary store when it answers: what it committed after its last probe too', async () => {
    const rpo = await measureRpo(source(probes, { [PRIMARY]: 126 }), PRIMARY, SECONDARY);
    expect(rpo).toMatchObject({
      lostChanges: 9,
      unacknowledgedChanges: 0,
      primaryPosition: 126,
      primaryPositionFrom: 'store',
      secondaryAppliedPosition: 117,
    });
  });

  it('falls back to the larger of the last probe and what the secondary read when the store is silent', async () => {
    for (const positions of [source(probes), source(probes, { [PRIMARY]: undefined })]) {
      expect(await measureRpo(positions, PRIMARY, SECONDARY)).toMatchObject({
        lostChanges: 3,
        primaryPosition: 120,
        primaryPositionFrom: 'probes',
      });
    }
    const secondaryReadFurther = { ...probes, [SECONDARY]: health(null, 123, 117) };
    expect(await measureRpo(source(secondaryReadFurther), PRIMARY, SECONDARY)).toMatchObject({
      lostChanges: 6,
      primaryPosition: 123,
    });
  });

  it('in sync mode counts what is missing as unacknowledged, never lost', async () => {
    const sync = { ...probes, [PRIMARY]: health('sync', 120, null) };
    expect(await measureRpo(source(sync, { [PRIMARY]: 125 }), PRIMARY, SECONDARY)).toMatchObject({
      lostChanges: 0,
      unacknowledgedChanges: 8,
      primaryPositionFrom: 'store',
    });
  });
});
