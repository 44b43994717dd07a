import { describe, expect, it } from 'vitest';
import type { CallRecord } from './call-record.ts';
import { LIVE_WINDOW_MS, LiveFigureTracker } from './live-figures.ts';

function record(latencyMs: number, outcome: CallRecord['outcome'] = 'ok'): CallRecord {
  return {
    time: 0,
    client: 'c',
    operation: 'get',
    attempts: 1,
    outcome,
    firstTry: true,
    latencyMs,
    requestIds: [],
  };
}

describe('live figures', () => {
  it('count every call, but rate and percentiles only over the calls of the last window', () => {
    let now = 0;
    const tracker = new LiveFigureTracker(() => now);
    // Ten windows of calls, one every 10 ms: whatever trimming happens as calls end, figures see the last window.
    for (let i = 0; i < (10 * LIVE_WINDOW_MS) / 10; i++) {
      now += 10;
      tracker.started();
      tracker.ended(record(now < 9 * LIVE_WINDOW_MS ? 1 : 5, i % 100 === 0 ? 'failed' : 'ok'));
    }
    expect(tracker.figures()).toMatchObject({ calls: 5_000, failed: 50, inFlight: 0, p50Ms: 5, p99Ms: 5 });
    expect(tracker.figures().callsPerSecond).toBeCloseTo(100, 0);
    now += LIVE_WINDOW_MS + 1;
    expect(tracker.figures()).toMatchObject({ calls: 5_000, callsPerSecond: 0, p50Ms: undefined });
  });
});
