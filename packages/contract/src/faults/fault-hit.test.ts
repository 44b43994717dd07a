import { redisForFile } from '@vaultover/testkit';
import { beforeEach, describe, expect, it } from 'vitest';
import { addFaultHits, faultCounters, faultHit } from './fault-hit.ts';
import { FAULT_KEYS } from './fault-keys.ts';
import { decidedByCounters, type FaultRule, type FaultSchedule } from './fault-rule.ts';

const control = redisForFile('fault-hit');
const T0 = Date.UTC(2026, 11, 4, 12);
let next = 0;

function rule(schedule: FaultSchedule = {}): FaultRule {
  return {
    id: `rule-${++next}`,
    name: 'test',
    action: { type: 'error', status: 503, code: 'ServiceUnavailable', message: 'injected' },
    schedule,
    createdAt: T0,
  };
}

/** Runs `count` matches of `r` in sequence and returns which were hit. */
async function hits(r: FaultRule, count: number, requestId?: string, now = T0): Promise<boolean[]> {
  const seen: boolean[] = [];
  for (let i = 0; i < count; i++) seen.push((await faultHit(control.client, r, requestId, now)).hit);
  return seen;
}

describe('faultHit', () => {
  beforeEach(async () => {
    await control.client.flushdb();
  });

  it('hits every match by default, and counts matches and hits', async () => {
    const r = rule();
    expect(await hits(r, 3)).toEqual([true, true, true]);
    expect((await faultCounters(control.client, [r.id])).get(r.id)).toEqual({ matches: 3, hits: 3 });
  });

  it('lets the first `skip` matches through, then stops after `times` hits', async () => {
    const r = rule({ skip: 2, times: 3 });
    expect(await hits(r, 7)).toEqual([false, false, true, true, true, false, false]);
    expect((await faultCounters(control.client, [r.id])).get(r.id)).toEqual({ matches: 5, hits: 3 });
  });

  it('hits exactly `times` requests among 50 concurrent ones', async () => {
    const r = rule({ times: 7 });
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, () => faultHit(control.client, r, undefined, T0)),
    );
    expect(outcomes.filter((o) => o.hit)).toHaveLength(7);
  });

  it('hits only the first `perRequest` attempts of each logical request', async () => {
    const r = rule({ perRequest: 2 });
    expect(await hits(r, 4, 'request-a')).toEqual([true, true, false, false]);
    expect(await hits(r, 3, 'request-b')).toEqual([true, true, false]);
    // Without an id, every attempt is a request of its own.
    expect(await hits(r, 3)).toEqual([true, true, true]);
  });

  it('draws the same hits for the same seed and another sequence for another seed', async () => {
    const draw = async (seed: number) => {
      await control.client.flushdb();
      return hits(rule({ probability: 0.3, seed }), 200);
    };
    const first = await draw(42);
    expect(await draw(42)).toEqual(first);
    expect(await draw(43)).not.toEqual(first);
    const share = first.filter(Boolean).length / first.length;
    expect(share).toBeGreaterThan(0.15);
    expect(share).toBeLessThan(0.45);
  });

  it('hits nothing before startAfterMs or after durationMs', async () => {
    const r = rule({ startAfterMs: 1000, durationMs: 500 });
    expect(await hits(r, 1, undefined, T0 + 999)).toEqual([false]);
    expect(await hits(r, 1, undefined, T0 + 1000)).toEqual([true]);
    expect(await hits(r, 1, undefined, T0 + 1499)).toEqual([true]);
    expect(await hits(r, 1, undefined, T0 + 1500)).toEqual([false]);
  });
});

describe('rules a region decides alone', () => {
  beforeEach(async () => {
    await control.client.flushdb();
  });

  it('are the rules whose hits do not depend on their counters', () => {
    expect(decidedByCounters(rule())).toBe(false);
    expect(decidedByCounters(rule({ startAfterMs: 10, durationMs: 1000, probability: 1, skip: 0 }))).toBe(
      false,
    );
    for (const schedule of [{ times: 1 }, { skip: 1 }, { perRequest: 2 }, { probability: 0.5 }]) {
      expect(decidedByCounters(rule(schedule))).toBe(true);
    }
    const delay = { ...rule(), action: { type: 'delay', ms: 5 } } as const;
    expect(decidedByCounters(delay)).toBe(false);
    expect(decidedByCounters({ ...delay, action: { type: 'delay', ms: 5, jitterMs: 3 } })).toBe(true);
  });

  it('have their hits added in one step, not for a rule removed since', async () => {
    const kept = rule();
    const removed = rule();
    await control.client.hset(FAULT_KEYS.rules, kept.id, JSON.stringify(kept));
    await addFaultHits(
      control.client,
      new Map([
        [kept.id, 3],
        [removed.id, 2],
      ]),
    );
    await addFaultHits(control.client, new Map([[kept.id, 1]]));
    const counters = await faultCounters(control.client, [kept.id, removed.id]);
    expect(counters.get(kept.id)).toEqual({ matches: 4, hits: 4 });
    expect(await control.client.exists(FAULT_KEYS.counters(removed.id))).toBe(0);
  });
});
