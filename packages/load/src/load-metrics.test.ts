import { describe, expect, it } from 'vitest';
import type { CallRecord } from './call-record.ts';
import { LoadMetrics } from './load-metrics.ts';
import type { LoadClientSpec } from './load-spec.ts';

const app: LoadClientSpec = {
  name: 'app',
  target: { kind: 'secrets' },
  operations: { get: 8, set: 2 },
  pacing: { rate: 10 },
  retry: { policy: 'sdk-default' },
};
const mine: LoadClientSpec = {
  name: 'mine',
  target: { module: '/somewhere/client.mjs' },
  operations: { call: 1 },
  pacing: { concurrency: 1 },
  retry: { policy: 'none' },
};

function call(overrides: Partial<CallRecord>): CallRecord {
  return {
    time: 0,
    client: 'app',
    operation: 'get',
    attempts: 1,
    outcome: 'ok',
    firstTry: true,
    status: 200,
    latencyMs: 20,
    requestIds: ['r'],
    ...overrides,
  };
}

/** `series → value` of the registry's text output, for the series starting with `prefix`. */
async function samples(metrics: LoadMetrics, prefix: string): Promise<Record<string, number>> {
  const text = await metrics.registry.metrics();
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line.startsWith(prefix))
      .map((line) => {
        const at = line.lastIndexOf(' ');
        return [line.slice(0, at), Number(line.slice(at + 1))];
      }),
  );
}

describe('LoadMetrics', () => {
  it('counts calls by outcome: ok, ok after a retry, gave up on a transient failure, failed otherwise', async () => {
    const metrics = new LoadMetrics([app]);
    metrics.record(call({}));
    metrics.record(call({ attempts: 3, firstTry: false, latencyMs: 1700 }));
    metrics.record(call({ outcome: 'failed', firstTry: false, status: 503, code: 'ServiceUnavailable' }));
    metrics.record(call({ outcome: 'failed', firstTry: false, status: undefined, code: 'ECONNRESET' }));
    metrics.record(
      call({ operation: 'set', outcome: 'failed', firstTry: false, status: 403, code: 'Forbidden' }),
    );
    metrics.record(call({ outcome: 'failed', firstTry: false, status: undefined, code: 'Cancelled' }));
    expect(await samples(metrics, 'vaultover_client_calls_total')).toEqual({
      'vaultover_client_calls_total{client="app",operation="get",outcome="ok"}': 1,
      'vaultover_client_calls_total{client="app",operation="get",outcome="ok-retried"}': 1,
      'vaultover_client_calls_total{client="app",operation="get",outcome="gave-up"}': 2,
      'vaultover_client_calls_total{client="app",operation="get",outcome="failed"}': 1,
      'vaultover_client_calls_total{client="app",operation="set",outcome="ok"}': 0,
      'vaultover_client_calls_total{client="app",operation="set",outcome="ok-retried"}': 0,
      'vaultover_client_calls_total{client="app",operation="set",outcome="gave-up"}': 0,
      'vaultover_client_calls_total{client="app",operation="set",outcome="failed"}': 1,
    });
    expect(await samples(metrics, 'vaultover_client_call_failures_total')).toEqual({
      'vaultover_client_call_failures_total{client="app",code="ServiceUnavailable"}': 1,
      'vaultover_client_call_failures_total{client="app",code="ECONNRESET"}': 1,
      'vaultover_client_call_failures_total{client="app",code="Forbidden"}': 1,
      'vaultover_client_call_failures_total{client="app",code="Cancelled"}': 1,
    });
    const durations = await samples(metrics, 'vaultover_client_call_duration_seconds');
    expect(durations['vaultover_client_call_duration_seconds_count{client="app",outcome="ok"}']).toBe(2);
    expect(durations['vaultover_client_call_duration_seconds_count{client="app",outcome="failed"}']).toBe(4);
    expect(durations['vaultover_client_call_duration_seconds_sum{client="app",outcome="ok"}']).toBeCloseTo(
      1.72,
    );
    expect(durations['vaultover_client_call_duration_seconds_bucket{le="1",client="app",outcome="ok"}']).toBe(
      1,
    );
  });

  it('puts the attempts of each call in the histogram of requests per call', async () => {
    const metrics = new LoadMetrics([app]);
    for (const attempts of [0, 1, 1, 2, 4, 7, 25]) metrics.record(call({ attempts }));
    const buckets = await samples(metrics, 'vaultover_client_call_attempts_bucket');
    const le = (bound: string) =>
      buckets[`vaultover_client_call_attempts_bucket{le="${bound}",client="app"}`];
    expect([1, 2, 3, 4, 5, 6, 8, 10, 15, 20].map((bound) => le(String(bound)))).toEqual([
      3, 4, 4, 5, 5, 5, 6, 6, 6, 6,
    ]);
    expect(le('+Inf')).toBe(7);
    expect(await samples(metrics, 'vaultover_client_call_attempts_sum')).toEqual({
      'vaultover_client_call_attempts_sum{client="app"}': 40,
    });
  });

  it('names each client with its retry policy, and reads its calls in flight at each scrape', async () => {
    const metrics = new LoadMetrics([app, mine]);
    expect(await samples(metrics, 'vaultover_client_info')).toEqual({
      'vaultover_client_info{client="app",policy="sdk-default"}': 1,
      'vaultover_client_info{client="mine",policy="module"}': 1,
    });
    expect(await samples(metrics, 'vaultover_client_in_flight')).toEqual({});
    const inFlight = new Map([
      ['app', 3],
      ['mine', 1],
    ]);
    metrics.watchInFlight((client) => inFlight.get(client) ?? 0);
    expect(await samples(metrics, 'vaultover_client_in_flight')).toEqual({
      'vaultover_client_in_flight{client="app"}': 3,
      'vaultover_client_in_flight{client="mine"}': 1,
    });
    inFlight.set('app', 0);
    expect(
      (await samples(metrics, 'vaultover_client_in_flight'))['vaultover_client_in_flight{client="app"}'],
    ).toBe(0);
  });
});
