import { CONTROL_KEYS } from '@vaultover/region';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startControlRedis, type TestControlRedis } from '../test-support/control-redis.ts';
import type { FailoverRecord, FailoverState, FailoverStateName } from './failover-state.ts';
import { CorruptFailoverStateError, FailoverStore } from './failover-store.ts';

const T0 = Date.parse('2026-11-23T08:00:00Z');
const record: FailoverRecord = {
  from: 'westeurope',
  to: 'northeurope',
  reason: 'westeurope failed its health checks',
  forced: false,
  detectedAt: T0 - 1500,
  startedAt: T0,
  servingAt: T0 + 5000,
  failbackStartedAt: null,
  endedAt: null,
  rpo: {
    lostChanges: 3,
    unacknowledgedChanges: 0,
    newestLostCommitTime: T0 - 2000,
    lostWindowSeconds: 0.5,
    primaryPosition: 120,
    secondaryAppliedPosition: 117,
  },
  recoveredChanges: null,
};
/** A state named `state` at `epoch`, entered at T0 + epoch seconds. */
function stateAt(state: FailoverStateName, epoch: number): FailoverState {
  const base = { epoch, primary: 'westeurope', secondary: 'northeurope', since: T0 + epoch * 1000 };
  switch (state) {
    case 'normal':
      return { ...base, state, lastFailover: { ...record, endedAt: base.since, recoveredChanges: 3 } };
    case 'failed-over':
      return { ...base, state, failover: record };
    default:
      return { ...base, state, windowEndsAt: base.since + 3000, failover: record };
  }
}

let redis: TestControlRedis;
let client: Redis;
beforeAll(async () => {
  redis = await startControlRedis();
  client = redis.client();
});
afterAll(async () => redis?.stop());

describe('the persisted failover state', () => {
  const store = () => new FailoverStore(client);
  beforeEach(async () => client.flushall());

  it('keeps every time in epoch milliseconds', async () => {
    await store().ensure(stateAt('failing-back', 4), { time: T0, kind: 'transition', details: {} });
    const persisted = JSON.parse((await client.hget(CONTROL_KEYS.failover, 'state')) ?? '');
    expect(persisted).toMatchObject({ since: T0 + 4000, windowEndsAt: T0 + 7000 });
    expect(persisted.failover).toMatchObject({
      detectedAt: T0 - 1500,
      startedAt: T0,
      servingAt: T0 + 5000,
      failbackStartedAt: null,
      endedAt: null,
      rpo: { newestLostCommitTime: T0 - 2000 },
    });
  });

  it('reads a state written with ISO times (before times were epoch ms) as epoch ms', async () => {
    const iso = (ms: number) => new Date(ms).toISOString();
    const legacy = {
      ...stateAt('normal', 5),
      lastFailover: {
        ...record,
        detectedAt: iso(T0 - 1500),
        startedAt: iso(T0),
        servingAt: iso(T0 + 5000),
        failbackStartedAt: iso(T0 + 20_000),
        endedAt: iso(T0 + 23_000),
        rpo: { ...record.rpo, newestLostCommitTime: iso(T0 - 2000) },
        recoveredChanges: 3,
      },
    };
    await client.hset(CONTROL_KEYS.failover, 'epoch', '5', 'state', JSON.stringify(legacy));
    expect(await store().load()).toEqual({
      ...stateAt('normal', 5),
      lastFailover: { ...record, failbackStartedAt: T0 + 20_000, endedAt: T0 + 23_000, recoveredChanges: 3 },
    });
  });

  it('calls a state corrupt when a time is neither epoch ms nor ISO', async () => {
    const cases: [unknown, string][] = [
      [
        { ...stateAt('failed-over', 3), failover: { ...record, startedAt: null } },
        'failover.startedAt is null',
      ],
      [
        { ...stateAt('failed-over', 3), failover: { ...record, servingAt: 'soon' } },
        'failover.servingAt is "soon"',
      ],
      [{ ...stateAt('failing-over', 3), windowEndsAt: undefined }, 'windowEndsAt is undefined'],
      [{ ...stateAt('normal', 3), since: '' }, 'since is ""'],
      [{ ...stateAt('failed-over', 3), failover: null }, 'failover is not a failover record'],
      [
        { ...stateAt('normal', 3), lastFailover: { ...record, rpo: 7 } },
        'lastFailover.rpo is not an RPO report',
      ],
      [{ state: 'normal' }, 'expected { state, epoch, primary, secondary, … }'],
    ];
    for (const [state, detail] of cases) {
      await client.hset(CONTROL_KEYS.failover, 'state', JSON.stringify(state));
      const load = store().load();
      await expect(load).rejects.toBeInstanceOf(CorruptFailoverStateError);
      await expect(load).rejects.toThrow(detail);
    }
    expect(
      await store()
        .load()
        .catch((error: Error) => error.message),
    ).toMatch(
      /^The failover state in the control Redis \(.+\) is not valid: .*Stop Vaultover and delete that key/,
    );
  });
});
