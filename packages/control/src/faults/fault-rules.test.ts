import { CONTROL_KEYS, FAULT_KEYS, faultHit, readFaultRules } from '@vaultover/contract';
import { ManualClock, redisForFile } from '@vaultover/testkit';
import { beforeEach, describe, expect, it } from 'vitest';
import { EventLog } from '../events/event-log.ts';
import { FaultRules } from './fault-rules.ts';

const control = redisForFile('fault-rules');
const context = () => ({ regions: ['westeurope', 'northeurope'], principals: ['admin', 'app'] });

function rules(clock: ManualClock): FaultRules {
  return new FaultRules({
    redis: control.client,
    events: new EventLog(control.client, clock),
    clock,
    context,
  });
}

async function faultEvents(): Promise<Record<string, unknown>[]> {
  const events = await new EventLog(control.client, new ManualClock()).list();
  return events.filter((event) => event.kind === 'fault-rule').map((event) => event.details);
}

describe('FaultRules', () => {
  beforeEach(async () => {
    await control.client.flushdb();
  });

  it('stores a rule with an id, a seed and its creation time, and shows it with live hits', async () => {
    const clock = new ManualClock();
    const faults = rules(clock);
    const added = await faults.add({ name: 'flaky', action: { type: 'reset' }, schedule: { times: 3 } });
    expect(added).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{10}$/),
      name: 'flaky',
      match: {},
      action: { type: 'reset' },
      schedule: { times: 3, seed: expect.any(Number) },
      state: 'active',
      hits: 0,
      createdAt: new Date(clock.now()).toISOString(),
    });
    const [stored] = await readFaultRules(control.client);
    expect(stored).toEqual({ ...added, state: undefined, hits: undefined, createdAt: clock.now() });
    const rule = stored as NonNullable<typeof stored>;
    await faultHit(control.client, rule, undefined, clock.now());
    expect(await faults.get(added.id)).toMatchObject({ hits: 1, state: 'active' });
    await faultHit(control.client, rule, undefined, clock.now());
    await faultHit(control.client, rule, undefined, clock.now());
    expect(await faults.list()).toMatchObject([{ id: added.id, hits: 3, state: 'expired' }]);
  });

  it('records an expiry once, however many control processes check, and not for a removed rule', async () => {
    const clock = new ManualClock();
    const [first, second] = [rules(clock), rules(clock)] as const;
    const short = await first.add({
      name: 'short',
      action: { type: 'reset' },
      schedule: { durationMs: 1000 },
    });
    const gone = await first.add({ name: 'gone', action: { type: 'reset' }, schedule: { durationMs: 1000 } });
    await first.recordExpiries();
    expect(await faultEvents()).toHaveLength(2);
    await clock.advance(1000);
    await first.remove(gone.id);
    await Promise.all([
      first.recordExpiries(),
      second.recordExpiries(),
      rules(clock).recordExpiries(),
      rules(clock).recordExpiries(),
    ]);
    await second.recordExpiries();
    expect(await faultEvents()).toEqual([
      { change: 'added', id: short.id, name: 'short' },
      { change: 'added', id: gone.id, name: 'gone' },
      { change: 'removed', id: gone.id, name: 'gone' },
      { change: 'expired', id: short.id, name: 'short' },
    ]);
    // The marker lives in the rule's counters hash and goes with the rule: nothing is left behind.
    expect(await control.client.exists(FAULT_KEYS.counters(gone.id))).toBe(0);
    await first.removeAll();
    expect(await control.client.keys('vo:control:fault*')).toEqual([]);
    expect(await control.client.xlen(CONTROL_KEYS.events)).toBe(5);
  });

  it('refuses an invalid rule and stores nothing', async () => {
    const faults = rules(new ManualClock());
    await expect(faults.add({ name: 'x', action: { type: 'delay' } })).rejects.toMatchObject({
      status: 400,
      code: 'BadParameter',
      message: 'action.ms is required.',
    });
    expect(await control.client.hlen(FAULT_KEYS.rules)).toBe(0);
    expect(await faultEvents()).toEqual([]);
  });
  it('of concurrent removals of a rule, one removes it and records the event; the other is a 404', async () => {
    const faults = rules(new ManualClock());
    const { id } = await faults.add({ name: 'contested', action: { type: 'reset' } });
    // Both read the rule before either removes it: the removal itself must decide.
    const outcomes = await Promise.allSettled([faults.remove(id), faults.remove(id), faults.removeAll()]);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(2);
    expect(outcomes.find((outcome) => outcome.status === 'rejected')).toMatchObject({
      reason: { code: 'FaultNotFound' },
    });
    expect((await faultEvents()).filter((details) => details.change === 'removed')).toEqual([
      { change: 'removed', id, name: 'contested' },
    ]);
  });
});
