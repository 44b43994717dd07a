import type { CallRecord } from '@vaultover/load';
import { describe, expect, it } from 'vitest';
import { CallAggregates } from './call-aggregates.ts';

const T0 = 1_000_000;

function call(overrides: Partial<CallRecord>): CallRecord {
  return {
    time: T0,
    client: 'app',
    operation: 'get',
    attempts: 1,
    outcome: 'ok',
    firstTry: true,
    latencyMs: 10,
    requestIds: ['r'],
    ...overrides,
  };
}

describe('CallAggregates', () => {
  const aggregates = new CallAggregates(() => T0);
  aggregates.add(call({ requestIds: ['a'], latencyMs: 10 }));
  aggregates.add(call({ time: T0 + 900, requestIds: ['b'], latencyMs: 30, firstTry: false, attempts: 2 }));
  aggregates.add(
    call({ time: T0 + 1500, requestIds: ['c', 'c'], outcome: 'failed', firstTry: false, code: 'Throttled' }),
  );
  aggregates.add(call({ time: T0 + 1600, client: 'other', requestIds: ['d', 'e'], latencyMs: 5 }));

  it('counts calls per client and second by outcome, failures by code', () => {
    expect(aggregates.buckets()).toEqual([
      { second: 0, client: 'app', outcome: 'ok first try', calls: 1 },
      { second: 0, client: 'app', outcome: 'ok after retries', calls: 1 },
      { second: 1, client: 'app', outcome: 'failed: Throttled', calls: 1 },
      { second: 1, client: 'other', outcome: 'ok first try', calls: 1 },
    ]);
  });

  it('keeps latency percentiles per client and second', () => {
    expect(aggregates.latencyPoints()).toEqual(
      expect.arrayContaining([
        { second: 0, series: 'app p99', ms: 30 },
        { second: 1, series: 'other p50', ms: 5 },
      ]),
    );
  });

  it("sums the regions' logged attempts over each client's request ids, each id once", () => {
    const logged = new Map([
      ['a', 1],
      ['b', 2],
      ['c', 3],
      ['d', 1],
    ]);
    expect(aggregates.serverAttempts('app', logged)).toBe(6);
    expect(aggregates.serverAttempts('other', logged)).toBe(1);
    expect(aggregates.serverAttempts('app', new Map())).toBeNull();
  });
});
