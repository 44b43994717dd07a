import { CONTROL_KEYS } from '@vaultover/contract';
import { ManualClock, pollUntil, startTestRedis, type TestRedis } from '@vaultover/testkit';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EventLog } from '../events/event-log.ts';
import {
  FAILOVER_STATES,
  type FailoverRecord,
  type FailoverState,
  type FailoverStateName,
} from './failover-state.ts';
import { CorruptFailoverStateError, FailoverStore } from './failover-store.ts';
import type { TransitionEvent, TransitionPayloads } from './transition-events.ts';
import {
  IllegalTransitionError,
  type StateIn,
  TRANSITION_NAMES,
  TRANSITION_TABLE,
  type TransitionName,
} from './transition-table.ts';

const T0 = Date.parse('2026-11-23T08:00:00Z');
const record: FailoverRecord = {
  from: 'westeurope',
  to: 'northeurope',
  reason: 'westeurope failed its health checks',
  forced: false,
  detectedAt: T0 - 1500,
  triggeredAt: T0 - 2100,
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
const payloads: TransitionPayloads = {
  'failover-started': { reason: record.reason, forced: false },
  promoted: { rpo: record.rpo as NonNullable<FailoverRecord['rpo']> },
  'failback-started': { reason: 'westeurope is healthy again', forced: true },
  'failback-aborted': { reason: 'westeurope holds 10 changes but northeurope applied 117' },
  'failed-back': { recoveredChanges: 3 },
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

/** Calls `transition()` without the compile-time check, as a caller that got around the types would. */
function unchecked(store: FailoverStore, name: TransitionName, from: FailoverState, to: FailoverState) {
  return store.transition(
    name as 'promoted',
    from as StateIn<'failing-over'>,
    to as StateIn<'failed-over'>,
    {
      ...payloads[name],
    } as TransitionPayloads['promoted'],
  );
}

let redis: TestRedis;
let client: Redis;
let subscriber: Redis;
let published: string[] = [];
beforeAll(async () => {
  redis = await startTestRedis('control');
  client = redis.client();
  subscriber = redis.client();
  await subscriber.subscribe(CONTROL_KEYS.changes);
  subscriber.on('message', (_channel, message: string) => published.push(message));
});
afterAll(async () => redis?.stop());

/** Everything in the control Redis, to compare before and after. */
async function snapshot(): Promise<unknown> {
  const keys = (await client.keys('*')).sort();
  return {
    keys,
    failover: await client.hgetall(CONTROL_KEYS.failover),
    events: await client.xrange(CONTROL_KEYS.events, '-', '+'),
  };
}

let markers = 0;

/** Waits until every PUBLISH sent so far was delivered (a marker of our own comes back last). */
async function flushPublished(): Promise<string[]> {
  const marker = `marker-${++markers}`;
  await client.publish(CONTROL_KEYS.changes, marker);
  await pollUntil('our marker comes back on the channel', () => published.includes(marker), {
    timeoutMs: 2000,
    intervalMs: 5,
  });
  return published.filter((message) => message !== marker);
}

describe('FailoverStore.transition', () => {
  let store: FailoverStore;
  let events: EventLog;
  let told: TransitionEvent[];

  async function start(state: FailoverState): Promise<void> {
    await client.flushall();
    await store.ensure(state);
    await flushPublished();
    published = [];
    told = [];
  }

  beforeEach(() => {
    published = [];
    store = new FailoverStore(client);
    events = new EventLog(client, new ManualClock());
    told = [];
    store.onAny((event) => told.push(event));
  });

  it('makes every move of the table, with its stream event and its typed event', async () => {
    for (const name of TRANSITION_NAMES) {
      const { from, to } = TRANSITION_TABLE[name];
      const [before, after] = [stateAt(from, 6), stateAt(to, 7)];
      await start(before);
      expect(await unchecked(store, name, before, after)).toBe(true);
      expect(await store.load()).toEqual(after);
      expect(await client.hget(CONTROL_KEYS.failover, 'epoch')).toBe('7');
      expect(await flushPublished()).toEqual(['7']);
      expect(told).toEqual([
        {
          ...payloads[name],
          kind: name,
          from,
          to,
          epoch: 7,
          at: after.since,
          record: expect.any(Object),
          state: after,
        },
      ]);
      const [created, moved] = await events.list();
      expect(created?.details).toEqual({ to: from, epoch: 6 });
      expect(moved).toMatchObject({ kind: 'transition', time: new Date(after.since).toISOString() });
      expect(moved?.details).toMatchObject({ from, to, epoch: 7 });
    }
  });

  it('refuses every other pair of states with IllegalTransitionError, writing nothing', async () => {
    let refused = 0;
    for (const from of FAILOVER_STATES) {
      for (const to of FAILOVER_STATES) {
        if (TRANSITION_NAMES.some((n) => TRANSITION_TABLE[n].from === from && TRANSITION_TABLE[n].to === to))
          continue;
        const before = stateAt(from, 6);
        await start(before);
        const saved = await snapshot();
        for (const name of TRANSITION_NAMES) {
          const attempt = unchecked(store, name, before, stateAt(to, 7));
          await expect(attempt).rejects.toBeInstanceOf(IllegalTransitionError);
          await expect(attempt).rejects.toMatchObject({ code: 'IllegalTransition', from, to });
          refused++;
        }
        expect(await snapshot()).toEqual(saved);
        expect(await flushPublished()).toEqual([]);
        expect(told).toEqual([]);
      }
    }
    expect(refused).toBe((16 - TRANSITION_NAMES.length) * TRANSITION_NAMES.length);
  });

  it('refuses an allowed pair under another name, or without bumping the epoch by one, writing nothing', async () => {
    const before = stateAt('failing-back', 6);
    await start(before);
    const saved = await snapshot();
    await expect(unchecked(store, 'promoted', before, stateAt('failed-over', 7))).rejects.toThrow(
      'promoted moves failing-over → failed-over; this move is failback-aborted',
    );
    await expect(unchecked(store, 'failed-back', before, stateAt('normal', 9))).rejects.toThrow(
      'every transition bumps the epoch by one (6 → 7), not to 9',
    );
    const noRecord = { ...stateAt('normal', 7), lastFailover: null };
    await expect(unchecked(store, 'failed-back', before, noRecord)).rejects.toThrow(
      'the state entered carries no failover record',
    );
    expect(await snapshot()).toEqual(saved);
    expect(told).toEqual([]);
  });

  it('does not compile a move the table lacks', async () => {
    const normal = stateAt('normal', 6) as StateIn<'normal'>;
    const failedOver = stateAt('failed-over', 7) as StateIn<'failed-over'>;
    const failingOver = stateAt('failing-over', 7) as StateIn<'failing-over'>;
    const anyState = normal as FailoverState;
    const failingBack = stateAt('failing-back', 8) as StateIn<'failing-back'>;
    const abortedTo = stateAt('failed-over', 9) as StateIn<'failed-over'>;
    await start(normal);
    const { rpo } = payloads.promoted;
    const started = payloads['failover-started'];
    // @ts-expect-error promoted leaves failing-over, not normal
    const wrongFrom = store.transition('promoted', normal, failedOver, { rpo });
    await expect(wrongFrom).rejects.toThrow(IllegalTransitionError);
    // @ts-expect-error failover-started enters failing-over, not failed-over
    const wrongTo = store.transition('failover-started', normal, failedOver, started);
    await expect(wrongTo).rejects.toThrow(IllegalTransitionError);
    // @ts-expect-error every transition takes its own payload (not checked at run time: the move, at an
    // epoch that is not current, loses)
    const wrongPayload = store.transition('failback-aborted', failingBack, abortedTo, { rpo });
    await expect(wrongPayload).resolves.toBe(false);
    // @ts-expect-error a state that might be anything is not known to be normal (it is, at run time)
    const unknownFrom = store.transition('failover-started', anyState, failingOver, started);
    await expect(unknownFrom).resolves.toBe(true);
  });

  it('loses to a move made first at the same epoch: false, and nothing told', async () => {
    const before = stateAt('failing-over', 6) as StateIn<'failing-over'>;
    const after = stateAt('failed-over', 7) as StateIn<'failed-over'>;
    await start(before);
    const other = new FailoverStore(client);
    expect(await other.transition('promoted', before, after, payloads.promoted)).toBe(true);
    expect(await store.transition('promoted', before, after, payloads.promoted)).toBe(false);
    expect(told).toEqual([]);
    expect((await events.list()).filter((event) => event.details.from !== undefined)).toHaveLength(1);
  });

  it('tells listeners by kind, goes on past a failing listener, and stops telling the unsubscribed', async () => {
    const promoted: number[] = [];
    const stop = store.on('promoted', (event) => promoted.push(event.rpo.lostChanges));
    store.on('promoted', () => {
      throw new Error('a broken listener');
    });
    const warnings: string[] = [];
    const warn = (warning: Error) => warnings.push(warning.message);
    process.on('warning', warn);
    try {
      await start(stateAt('failing-over', 6));
      const moves = [
        ['promoted', 'failing-over', 'failed-over'],
        ['failback-started', 'failed-over', 'failing-back'],
        ['failback-aborted', 'failing-back', 'failed-over'],
      ] as const;
      let epoch = 6;
      for (const [name, from, to] of moves) {
        expect(await unchecked(store, name, stateAt(from, epoch), stateAt(to, epoch + 1))).toBe(true);
        epoch++;
      }
      stop();
      expect(
        await unchecked(store, 'failback-started', stateAt('failed-over', 9), stateAt('failing-back', 10)),
      ).toBe(true);
      expect(await unchecked(store, 'failed-back', stateAt('failing-back', 10), stateAt('normal', 11))).toBe(
        true,
      );
      expect(promoted).toEqual([3]);
      expect(told.map((event) => event.kind)).toEqual([
        'promoted',
        'failback-started',
        'failback-aborted',
        'failback-started',
        'failed-back',
      ]);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).toEqual(['a listener of the promoted transition failed: Error: a broken listener']);
    } finally {
      process.off('warning', warn);
    }
  });

  it('writes each transition event in the wire shape of the event stream, ISO times', async () => {
    await start(stateAt('normal', 1));
    let epoch = 1;
    const cycle = [
      ['failover-started', 'normal', 'failing-over'],
      ['promoted', 'failing-over', 'failed-over'],
      ['failback-started', 'failed-over', 'failing-back'],
      ['failback-aborted', 'failing-back', 'failed-over'],
      ['failback-started', 'failed-over', 'failing-back'],
      ['failed-back', 'failing-back', 'normal'],
    ] as const;
    for (const [name, from, to] of cycle) {
      expect(await unchecked(store, name, stateAt(from, epoch), stateAt(to, epoch + 1))).toBe(true);
      epoch++;
    }
    const stream = await events.list();
    expect(stream.map((event) => [event.time, event.kind])).toEqual(
      [1, 2, 3, 4, 5, 6, 7].map((e) => [new Date(T0 + e * 1000).toISOString(), 'transition']),
    );
    expect(stream.map((event) => event.details)).toEqual([
      { to: 'normal', epoch: 1 },
      {
        from: 'normal',
        to: 'failing-over',
        epoch: 2,
        reason: 'westeurope failed its health checks',
        forced: false,
      },
      {
        from: 'failing-over',
        to: 'failed-over',
        epoch: 3,
        rpo: {
          lostChanges: 3,
          unacknowledgedChanges: 0,
          newestLostCommitTime: '2026-11-23T07:59:58.000Z',
          lostWindowSeconds: 0.5,
          primaryPosition: 120,
          secondaryAppliedPosition: 117,
        },
      },
      {
        from: 'failed-over',
        to: 'failing-back',
        epoch: 4,
        reason: 'westeurope is healthy again',
        forced: true,
      },
      {
        from: 'failing-back',
        to: 'failed-over',
        epoch: 5,
        aborted: 'westeurope holds 10 changes but northeurope applied 117',
      },
      {
        from: 'failed-over',
        to: 'failing-back',
        epoch: 6,
        reason: 'westeurope is healthy again',
        forced: true,
      },
      { from: 'failing-back', to: 'normal', epoch: 7, recoveredChanges: 3 },
    ]);
    // The keys keep their order on the wire, too.
    expect(Object.keys(stream[2]?.details ?? {})).toEqual(['from', 'to', 'epoch', 'rpo']);
  });
});

describe('the persisted failover state', () => {
  const store = () => new FailoverStore(client);
  beforeEach(async () => client.flushall());

  it('keeps every time in epoch milliseconds', async () => {
    await store().ensure(stateAt('failing-back', 4));
    const persisted = JSON.parse((await client.hget(CONTROL_KEYS.failover, 'state')) ?? '');
    expect(persisted).toMatchObject({ since: T0 + 4000, windowEndsAt: T0 + 7000 });
    expect(persisted.failover).toMatchObject({
      detectedAt: T0 - 1500,
      triggeredAt: T0 - 2100,
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

  it('reads a record written before triggeredAt existed with triggeredAt null', async () => {
    const { triggeredAt: _, ...older } = record;
    const written = { ...stateAt('failed-over', 3), failover: older };
    await client.hset(CONTROL_KEYS.failover, 'epoch', '3', 'state', JSON.stringify(written));
    expect(await store().load()).toEqual({
      ...stateAt('failed-over', 3),
      failover: { ...record, triggeredAt: null },
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
