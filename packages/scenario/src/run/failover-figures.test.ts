import { describe, expect, it } from 'vitest';
import { type FailoverRecord, failoverFigures, type StepRun } from './failover-figures.ts';

// Which step a failover is measured from: a partition of the failed region by a kernel link counts, as
// a crash does (docs/scenarios.md, "How the figures are measured").

const record: FailoverRecord = {
  from: 'westeurope',
  forced: false,
  detectedAt: new Date(2_900).toISOString(),
  startedAt: new Date(3_000).toISOString(),
  servingAt: new Date(4_500).toISOString(),
  endedAt: null,
  rpo: { lostChanges: 2 },
};

const blackhole = (link: string): StepRun => ({
  action: { kind: 'toxic', link, add: { type: 'blackhole', stream: 'both' } },
  startedAt: 1_000,
});

const LINKS = { 'westeurope-net': 'westeurope', 'northeurope-net': 'northeurope' };

describe('failoverFigures', () => {
  it('measures from a blackhole on a kernel link that leads to the failed region', () => {
    expect(failoverFigures(record, [blackhole('westeurope-net')], 0, 9_000, LINKS)).toEqual({
      detectionSeconds: 1.9,
      rtoSeconds: 3.5,
      writesUnavailableSeconds: 8,
      rpoChanges: 2,
    });
  });

  it('does not take a partition of another region, or another toxic, for the fault', () => {
    const latency: StepRun = {
      action: {
        kind: 'toxic',
        link: 'westeurope-net',
        add: { type: 'latency', attributes: { latency: 50 } },
      },
      startedAt: 1_000,
    };
    for (const step of [blackhole('northeurope-net'), latency, blackhole('westeurope-to-northeurope')]) {
      // Without a cause, the failover's own start is the fault.
      expect(failoverFigures(record, [step], 0, 9_000, LINKS)).toMatchObject({
        detectionSeconds: 0,
        rtoSeconds: 1.5,
      });
    }
  });
});
