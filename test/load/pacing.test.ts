import { type CallRecord, type LoadClientSpec, prepareLoad } from '@vaultover/load';
import { eventually } from '@vaultover/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRegion, type TestRegion } from '../support/region.ts';
import { loadTarget } from './load-target.ts';

// Pacing and mixes against a real region node: what reaches the service, read from the call records.
// Timing is only ever bounded from the side a busy machine cannot cross (never faster than the rate).

let region: TestRegion;

beforeAll(async () => {
  region = await startTestRegion({ externalDb: 5 });
}, 60_000);

afterAll(async () => {
  await region?.close();
});

/** Runs one client until it has recorded `count` calls; its records and how long that took. */
async function run(spec: Omit<LoadClientSpec, 'retry' | 'target'>, count: number, seed = 1) {
  const records: CallRecord[] = [];
  const load = await prepareLoad({
    target: loadTarget(region),
    clients: [{ target: { kind: 'secrets' }, retry: { policy: 'none' }, ...spec }],
    seed,
    onRecord: (record) => records.push(record),
  });
  const started = performance.now();
  const running = load.start();
  await eventually(() => expect(records.length).toBeGreaterThanOrEqual(count), { timeoutMs: 20_000 });
  const elapsedMs = performance.now() - started;
  await running.stop();
  const stoppedMs = performance.now() - started;
  return { records, elapsedMs, stoppedMs, summary: running.summaries()[spec.name] };
}

/** The most calls whose [start, end] overlap by more than a millisecond (epoch ms start, rounded). */
function mostAtOnce(records: CallRecord[]): number {
  const edges = records.flatMap((r) => [
    { at: r.time + 1, delta: 1 },
    { at: r.time + r.latencyMs - 1, delta: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let now = 0;
  let most = 0;
  for (const edge of edges) {
    now += edge.delta;
    most = Math.max(most, now);
  }
  return most;
}

describe('pacing against a region node', () => {
  it('a closed loop of 3 has up to 3 calls in flight, never more', async () => {
    const { records, summary } = await run(
      { name: 'closed', operations: { get: 3, set: 1 }, pacing: { concurrency: 3 } },
      90,
    );
    expect(summary?.failed).toBe(0);
    expect(mostAtOnce(records)).toBeLessThanOrEqual(3);
    expect(mostAtOnce(records)).toBeGreaterThanOrEqual(2);
  });

  it('an open loop at 40 calls/s is never faster than its rate', async () => {
    const { elapsedMs, stoppedMs, summary } = await run(
      { name: 'open', operations: { get: 1 }, pacing: { rate: 40 } },
      40,
    );
    expect(summary?.failed).toBe(0);
    // The 40th call starts 39/40 s after the first; calls end after they start.
    expect(elapsedMs).toBeGreaterThanOrEqual(39 * 25 - 5);
    // However long it ran, it started no more than the rate allows (the first at once).
    expect(summary?.calls).toBeLessThanOrEqual(Math.floor((stoppedMs / 1000) * 40) + 1);
  });

  it('the same seed replays the same operations, another seed others', async () => {
    const ops = async (seed: number) =>
      (
        await run(
          { name: 'mix', operations: { get: 1, set: 1, list: 1 }, pacing: { concurrency: 1 } },
          30,
          seed,
        )
      ).records
        .slice(0, 30)
        .map((r) => r.operation);
    const first = await ops(5);
    expect(await ops(5)).toEqual(first);
    expect(await ops(6)).not.toEqual(first);
    expect(new Set(first)).toEqual(new Set(['get', 'set', 'list']));
  });
});
