import { describe, expect, it } from 'vitest';
import { lagOf } from './replication-sampler.ts';

const T = Date.parse('2026-12-05T02:00:00Z');

function region(role: string, replication: Record<string, unknown> | null) {
  return {
    role,
    replication: replication && {
      lastPosition: null,
      lastCommitTime: null,
      lastAppliedPosition: null,
      lastAppliedTime: null,
      ...replication,
    },
  };
}

describe('lagOf', () => {
  it("measures the secondary against the primary's own position, not against what the secondary last read", () => {
    const regions = {
      westeurope: region('primary', { lastPosition: 130, lastCommitTime: '2026-12-05T01:59:59.500Z' }),
      // cut off at 120: it believes it is caught up
      northeurope: region('secondary', {
        lastPosition: 120,
        lastAppliedPosition: 120,
        lastAppliedTime: '2026-12-05T01:59:57.000Z',
      }),
    };
    expect(lagOf(regions, T)).toEqual({
      t: T,
      primary: 'westeurope',
      secondary: 'northeurope',
      lagEntries: 10,
      lagSeconds: 2.5,
    });
  });

  it('is 0 s behind when caught up, and unknown when either side has not reported', () => {
    const caughtUp = {
      westeurope: region('primary', { lastPosition: 7, lastCommitTime: '2026-12-05T01:59:59Z' }),
      northeurope: region('secondary', { lastAppliedPosition: 7, lastAppliedTime: '2026-12-05T01:59:58Z' }),
    };
    expect(lagOf(caughtUp, T)).toMatchObject({ lagEntries: 0, lagSeconds: 0 });
    const unknown = { ...caughtUp, westeurope: region('primary', null) };
    expect(lagOf(unknown, T)).toMatchObject({ lagEntries: null, lagSeconds: null });
    expect(lagOf({ westeurope: caughtUp.westeurope }, T)).toBeUndefined();
  });
});
