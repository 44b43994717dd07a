import type { RegionHealth } from '@vaultover/contract';
import { CONTROL_KEYS } from '@vaultover/contract';
import { ManualClock, pollUntil, redisForFile, regionHealth } from '@vaultover/testkit';
import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { EventLog } from '../events/event-log.ts';
import type { FailoverState } from '../failover/failover-state.ts';
import { FailoverStore } from '../failover/failover-store.ts';
import type { TransitionEvent } from '../failover/transition-events.ts';
import { MONITOR_DEFAULTS, type RegionView, unprobedView } from '../monitor/health-monitor.ts';
import type { RegionAdmin } from '../regions/region-admin.ts';
import { FAILOVER_DEFAULTS } from './failover-settings.ts';
import { type TransitionJob, Transitions } from './transitions.ts';

const settings = { ...FAILOVER_DEFAULTS, failoverWindowMs: 5000, failbackWindowMs: 3000 };
const failoverJob: TransitionJob = {
  kind: 'failover',
  fromEpoch: 1,
  reason: 'westeurope failed its health checks',
  forced: false,
  detectedAt: null,
  triggeredAt: null,
};

const control = redisForFile('control');

interface Fixture {
  clock: ManualClock;
  store: FailoverStore;
  events: EventLog;
  pushed: string[];
  health: Map<string, RegionHealth>;
  /** Region → the failure of its latest probe, and whether the monitor has judged it down for it. */
  failing: Map<string, { reason: string; judgedDown: boolean }>;
  /** Regions the monitor watches but has not probed yet (a control process that has just started). */
  unprobed: Set<string>;
  /** The typed events of the moves made through `store`. */
  told: TransitionEvent[];
  transitions(): Transitions;
}

function fixture(): Fixture {
  const clock = new ManualClock();
  const store = new FailoverStore(control.client);
  const events = new EventLog(control.client, clock);
  const pushed: string[] = [];
  const health = new Map<string, RegionHealth>();
  const failing = new Map<string, { reason: string; judgedDown: boolean }>();
  const unprobed = new Set<string>();
  const told: TransitionEvent[] = [];
  store.onAny((event) => told.push(event));
  const admin: RegionAdmin = {
    setMode: async (url, mode, epoch) => void pushed.push(`${url}=${mode}@${epoch}`),
    setHealth: async () => {},
  };
  return {
    clock,
    store,
    events,
    pushed,
    health,
    failing,
    unprobed,
    told,
    transitions: () =>
      new Transitions({
        store,
        events,
        clock,
        settings,
        positions: { latest: async (region) => health.get(region) },
        monitor: {
          settings: { ...MONITOR_DEFAULTS },
          view: (region) =>
            unprobed.has(region)
              ? unprobedView()
              : monitorView(health.get(region), failing.get(region), clock),
        },
        admin,
        urls: new Map([
          ['westeurope', 'https://w'],
          ['northeurope', 'https://n'],
        ]),
        logger: pino({ level: 'silent' }),
      }),
  };
}

/** What the monitor would show of a region with this last good body and this latest failure. */
function monitorView(
  good: RegionHealth | undefined,
  failure: { reason: string; judgedDown: boolean } | undefined,
  clock: ManualClock,
): RegionView | undefined {
  if (!good && !failure) return undefined;
  const at = new Date(clock.now()).toISOString();
  return {
    healthy: !failure?.judgedDown,
    consecutiveFailures: failure ? 1 : 0,
    consecutiveSuccesses: failure ? 0 : 1,
    failingSince: failure ? clock.now() : null,
    lastProbe: { at, ok: !failure, reason: failure?.reason ?? null },
    lastGood: good ? { ...good, at: clock.now() } : null,
  };
}

function positions(lastPosition: number, lastAppliedPosition: number | null): RegionHealth {
  return regionHealth({
    replication: {
      lastPosition,
      lastAppliedPosition,
      lastCommitTime: '2026-11-23T07:59:59.000Z',
      lastAppliedTime: '2026-11-23T07:59:58.500Z',
    },
  });
}

/** Lets the transition run until it sleeps on the clock again. */
async function settle(clock: ManualClock, sleepers = 1): Promise<void> {
  await pollUntil('the transition reaches its next sleep', () => clock.sleeping >= sleepers, {
    timeoutMs: 5000,
    intervalMs: 5,
  });
}

/** Runs a failover job through its window: failed over at epoch 3. */
async function failOver(f: Fixture): Promise<void> {
  const failover = f.transitions().run(failoverJob, new AbortController().signal);
  await settle(f.clock);
  await f.clock.advance(5000);
  await failover;
}

async function initialise(f: Fixture): Promise<FailoverState> {
  await control.client.flushall();
  return f.store.ensure({
    state: 'normal',
    epoch: 1,
    primary: 'westeurope',
    secondary: 'northeurope',
    since: f.clock.now(),
    lastFailover: null,
  });
}

describe('Transitions', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = fixture();
    await initialise(f);
  });

  it('fails over through the window to read-only on the secondary, bumping the epoch at each step', async () => {
    f.health.set('westeurope', positions(120, null));
    f.health.set('northeurope', positions(117, 117));
    const triggeredAt = Date.parse('2026-11-23T07:59:57.000Z');
    const run = f.transitions().run({ ...failoverJob, triggeredAt }, new AbortController().signal);
    await settle(f.clock);
    expect(await f.store.load()).toMatchObject({
      state: 'failing-over',
      epoch: 2,
      failover: { triggeredAt },
    });
    expect(await control.client.hget(CONTROL_KEYS.failover, 'writer')).toBe('');
    expect(JSON.parse((await control.client.hget(CONTROL_KEYS.failover, 'modes')) ?? '')).toEqual({
      westeurope: 'standby',
      northeurope: 'standby',
    });
    await f.clock.advance(4999);
    expect((await f.store.load())?.state).toBe('failing-over');
    await f.clock.advance(1);
    await run;
    const state = await f.store.load();
    expect(state).toMatchObject({ state: 'failed-over', epoch: 3 });
    if (state?.state !== 'failed-over') throw new Error('unreachable');
    expect(state.failover.rpo).toEqual({
      lostChanges: 3,
      unacknowledgedChanges: 0,
      newestLostCommitTime: Date.parse('2026-11-23T07:59:59.000Z'),
      lostWindowSeconds: 0.5,
      primaryPosition: 120,
      primaryPositionFrom: 'probes',
      secondaryAppliedPosition: 117,
    });
    expect(state.failover.startedAt).toBe(Date.parse('2026-11-23T08:00:00Z'));
    expect((state.failover.servingAt ?? 0) - state.failover.startedAt).toBe(5000);
    expect(f.pushed).toEqual([
      'https://w=standby@2',
      'https://n=standby@2',
      'https://w=standby@3',
      'https://n=read-only@3',
    ]);
    const transitions = (await f.events.list()).filter((e) => e.kind === 'transition');
    expect(transitions.map((e) => e.details.to)).toEqual(['normal', 'failing-over', 'failed-over']);
  });

  it('waits out the write lease before promoting', async () => {
    await control.client.set(CONTROL_KEYS.lease, 'westeurope:1', 'PX', 400);
    const run = f.transitions().run(failoverJob, new AbortController().signal);
    await settle(f.clock);
    await f.clock.advance(5000);
    await settle(f.clock); // now sleeping on the lease
    expect((await f.store.load())?.state).toBe('failing-over');
    // Real milliseconds pass for the lease key's TTL; the clock moves so the poll loop runs.
    await pollUntil(
      'promoted once the lease expired',
      async () => {
        if ((await f.store.load())?.state !== 'failing-over') return true;
        await f.clock.advance(100);
        return false;
      },
      { timeoutMs: 5000, intervalMs: 20 },
    );
    await run;
    expect(await control.client.pttl(CONTROL_KEYS.lease)).toBe(-2);
    expect((await f.store.load())?.state).toBe('failed-over');
  });

  it('runs a transition once when two runners race for the same job, and a stale job does nothing', async () => {
    const [a, b] = [f.transitions(), f.transitions()];
    const runs = [
      a.run(failoverJob, new AbortController().signal),
      b.run(failoverJob, new AbortController().signal),
    ];
    await settle(f.clock, 2);
    await f.clock.advance(5000);
    await Promise.all(runs);
    expect(await f.store.load()).toMatchObject({ state: 'failed-over', epoch: 3 });
    await f.transitions().run(failoverJob, new AbortController().signal);
    expect((await f.store.load())?.epoch).toBe(3);
    const transitions = (await f.events.list()).filter((e) => e.kind === 'transition');
    expect(transitions).toHaveLength(3);
    expect(f.told.map((event) => event.kind)).toEqual(['failover-started', 'promoted']);
  });

  it('resumes a failover whose first runner stopped mid-window, ending at the same window end', async () => {
    const stop = new AbortController();
    const first = f.transitions().run(failoverJob, stop.signal);
    await settle(f.clock);
    await f.clock.advance(2000);
    stop.abort();
    await first;
    expect((await f.store.load())?.state).toBe('failing-over');
    const resumed = f.transitions().run(failoverJob, new AbortController().signal);
    await settle(f.clock);
    await f.clock.advance(2999);
    expect((await f.store.load())?.state).toBe('failing-over');
    await f.clock.advance(1);
    await resumed;
    expect(await f.store.load()).toMatchObject({ state: 'failed-over', epoch: 3 });
  });

  it('fails back through its window to normal, and the primary writes again', async () => {
    f.health.set('westeurope', positions(120, null));
    f.health.set('northeurope', positions(117, 117));
    await failOver(f);
    f.health.set('westeurope', positions(120, null));
    f.health.set('northeurope', positions(120, 117));
    const failback = f
      .transitions()
      .run(
        { ...failoverJob, kind: 'failback', fromEpoch: 3, reason: 'westeurope is healthy again' },
        new AbortController().signal,
      );
    await settle(f.clock);
    expect(await f.store.load()).toMatchObject({ state: 'failing-back', epoch: 4 });
    await f.clock.advance(3000);
    await failback;
    const state = await f.store.load();
    expect(state).toMatchObject({ state: 'normal', epoch: 5 });
    expect(await control.client.hget(CONTROL_KEYS.failover, 'writer')).toBe('westeurope');
    if (state?.state !== 'normal') throw new Error('unreachable');
    expect(state.lastFailover?.endedAt).not.toBeNull();
    // The 3 changes the failover left behind are served again: the primary came back with them.
    expect(state.lastFailover).toMatchObject({ rpo: { lostChanges: 3 }, recoveredChanges: 3 });
  });

  it('stays failed over when the primary came back with fewer changes than the secondary applied', async () => {
    await failOver(f);
    f.health.set('westeurope', positions(10, null));
    f.health.set('northeurope', positions(10, 117));
    const failback = f
      .transitions()
      .run({ ...failoverJob, kind: 'failback', fromEpoch: 3 }, new AbortController().signal);
    await settle(f.clock);
    await f.clock.advance(3000);
    await failback;
    expect(await f.store.load()).toMatchObject({ state: 'failed-over', epoch: 5 });
    const last = (await f.events.list()).at(-1);
    expect(last?.details.aborted).toMatch(/westeurope holds 10 changes but northeurope applied 117/);
    // Back in failed-over, but nobody was promoted: the secondary served all along.
    expect(f.told.map((event) => event.kind)).toEqual([
      'failover-started',
      'promoted',
      'failback-started',
      'failback-aborted',
    ]);
    expect(f.told.at(-1)).toMatchObject({
      kind: 'failback-aborted',
      from: 'failing-back',
      to: 'failed-over',
      epoch: 5,
      reason: expect.stringMatching(/^westeurope holds 10 changes but northeurope applied 117/),
    });
  });

  /** Fails over with both regions caught up, then starts a failback job: failing back at epoch 4. */
  async function startFailback(): Promise<{ run: Promise<void> }> {
    f.health.set('westeurope', positions(120, null));
    f.health.set('northeurope', positions(120, 120));
    await failOver(f);
    const failback = f
      .transitions()
      .run({ ...failoverJob, kind: 'failback', fromEpoch: 3 }, new AbortController().signal);
    await settle(f.clock);
    expect(await f.store.load()).toMatchObject({ state: 'failing-back', epoch: 4 });
    return { run: failback };
  }

  /** Fails over with both regions caught up, then runs a failback job to the end of its window. */
  async function failBackAfter(change: () => void): Promise<FailoverState | undefined> {
    const { run: failback } = await startFailback();
    change();
    await f.clock.advance(3000);
    await finish(failback);
    return f.store.load();
  }

  /** Moves the clock until `run` ends: it may wait past its window for the monitor's verdict. */
  async function finish(run: Promise<void>): Promise<void> {
    let done = false;
    void run.finally(() => {
      done = true;
    });
    await pollUntil(
      'the failback ends',
      async () => {
        if (!done) await f.clock.advance(100);
        return done;
      },
      { timeoutMs: 5000, intervalMs: 5 },
    );
    await run;
  }

  it.each([
    {
      when: 'the monitor judges the primary down',
      failure: { reason: 'connect ECONNREFUSED 127.0.0.1:41001', judgedDown: true },
      reason: 'westeurope is unhealthy (connect ECONNREFUSED 127.0.0.1:41001): the secondary serves on',
    },
    {
      when: 'the primary keeps failing its health checks, but not yet for as long as the monitor takes to judge',
      failure: { reason: 'no answer within 500 ms', judgedDown: false },
      reason: 'westeurope failed its latest health check (no answer within 500 ms): the secondary serves on',
    },
  ])('stays failed over when $when at the end of the failback window', async ({ failure, reason }) => {
    const state = await failBackAfter(() => f.failing.set('westeurope', failure));
    expect(state).toMatchObject({ state: 'failed-over', epoch: 5 });
    expect(f.told.at(-1)).toMatchObject({ kind: 'failback-aborted', reason });
    // Nobody writes, the secondary serves read-only: as before the failback was tried.
    expect(f.pushed.slice(-2)).toEqual(['https://w=standby@5', 'https://n=read-only@5']);
  });

  it.each([
    {
      when: 'only the latest probe failed',
      pending: (f: Fixture) =>
        f.failing.set('westeurope', { reason: 'no answer within 500 ms', judgedDown: false }),
      probed: (f: Fixture) => f.failing.delete('westeurope'),
    },
    {
      when: 'the monitor has not probed the primary yet',
      pending: (f: Fixture) => f.unprobed.add('westeurope'),
      probed: (f: Fixture) => f.unprobed.delete('westeurope'),
    },
  ])(
    'waits past the window for the verdict when $when, and fails back once a probe succeeds',
    async ({ pending, probed }) => {
      const { run: failback } = await startFailback();
      pending(f);
      await f.clock.advance(3000);
      await settle(f.clock);
      // The window is over, the verdict is pending: still failing back.
      expect(await f.store.load()).toMatchObject({ state: 'failing-back', epoch: 4 });
      probed(f);
      await finish(failback);
      expect(await f.store.load()).toMatchObject({ state: 'normal', epoch: 5 });
    },
  );

  it('stays failed over when the primary is not known to the monitor, or its position is not', async () => {
    const unknown = await failBackAfter(() => f.health.delete('westeurope'));
    expect(unknown).toMatchObject({ state: 'failed-over', epoch: 5 });
    expect(f.told.at(-1)).toMatchObject({
      kind: 'failback-aborted',
      reason: "westeurope's health is unknown (no health check seen): the secondary serves on",
    });
    await initialise(f);
    f.told.length = 0;
    const noPosition = await failBackAfter(() => f.health.set('westeurope', regionHealth()));
    expect(noPosition).toMatchObject({ state: 'failed-over', epoch: 5 });
    expect(f.told.at(-1)).toMatchObject({
      kind: 'failback-aborted',
      reason:
        "westeurope's change position is unknown (its health check did not report one): the secondary serves on",
    });
  });

  it('tells a promotion once per failover, and none at failback', async () => {
    f.health.set('westeurope', positions(120, null));
    f.health.set('northeurope', positions(117, 117));
    const cycle = async (fromEpoch: number) => {
      const failover = f.transitions().run({ ...failoverJob, fromEpoch }, new AbortController().signal);
      await settle(f.clock);
      await f.clock.advance(5000);
      await failover;
      const failback = f
        .transitions()
        .run({ ...failoverJob, kind: 'failback', fromEpoch: fromEpoch + 2 }, new AbortController().signal);
      await settle(f.clock);
      await f.clock.advance(3000);
      await failback;
    };
    await cycle(1);
    await cycle(5);
    expect(await f.store.load()).toMatchObject({ state: 'normal', epoch: 9 });
    expect(f.told.map((event) => `${event.kind}@${event.epoch}`)).toEqual([
      'failover-started@2',
      'promoted@3',
      'failback-started@4',
      'failed-back@5',
      'failover-started@6',
      'promoted@7',
      'failback-started@8',
      'failed-back@9',
    ]);
    const promotions = f.told.filter((event) => event.kind === 'promoted');
    for (const promoted of promotions) {
      expect(promoted).toMatchObject({ from: 'failing-over', to: 'failed-over', rpo: { lostChanges: 3 } });
      expect((promoted.record.servingAt ?? 0) - promoted.record.startedAt).toBe(5000);
      expect(promoted.record).toBe(promoted.state.failover);
    }
    expect(f.told.at(-1)).toMatchObject({
      kind: 'failed-back',
      recoveredChanges: 3,
      record: { endedAt: f.clock.now() },
    });
  });
});
