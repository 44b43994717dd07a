import { ManualClock, redisForFile } from '@vaultover/testkit';
import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { EventLog } from '../events/event-log.ts';
import type { FailoverState } from '../failover/failover-state.ts';
import { FailoverStore } from '../failover/failover-store.ts';
import type { HealthMonitor } from '../monitor/health-monitor.ts';
import { FAILOVER_DEFAULTS } from './failover-settings.ts';
import { Orchestrator, TransitionConflictError } from './orchestrator.ts';
import type { TransitionJob } from './transitions.ts';

const control = redisForFile('control');

const base = { primary: 'westeurope', secondary: 'northeurope' };

describe('Orchestrator', () => {
  let clock: ManualClock;
  let store: FailoverStore;
  let healthy: Map<string, boolean>;
  let failingSince: Map<string, number>;
  let queued: TransitionJob[];
  let orchestrator: Orchestrator;

  async function put(state: FailoverState): Promise<void> {
    await control.client.flushall();
    await store.ensure(state);
  }

  beforeEach(async () => {
    clock = new ManualClock();
    store = new FailoverStore(control.client);
    healthy = new Map([
      ['westeurope', true],
      ['northeurope', true],
    ]);
    failingSince = new Map();
    queued = [];
    const monitor = {
      settings: { recoveryThreshold: 5 },
      view: (region: string) => ({
        healthy: healthy.get(region) ?? false,
        failingSince: failingSince.get(region) ?? null,
      }),
    } as unknown as HealthMonitor;
    orchestrator = new Orchestrator({
      store,
      events: new EventLog(control.client, clock),
      monitor,
      queue: {
        // As TransitionQueue: one job per id, and only the first request for an id is first.
        enqueue: async (job) => {
          const id = `${job.kind}-${job.fromEpoch}`;
          const first = !queued.some((earlier) => `${earlier.kind}-${earlier.fromEpoch}` === id);
          queued.push(job);
          return { id, first };
        },
      },
      clock,
      settings: { ...FAILOVER_DEFAULTS, minFailedOverMs: 10_000 },
      logger: pino({ level: 'silent' }),
    });
    await put({ ...base, state: 'normal', epoch: 4, since: clock.now(), lastFailover: null });
  });

  it('queues a failover for the epoch it saw when the primary is down, with the detection time and when its failures began', async () => {
    await orchestrator.decide();
    expect(queued).toEqual([]);
    const firstFailure = clock.now();
    failingSince.set('westeurope', firstFailure);
    await clock.advance(2_000);
    healthy.set('westeurope', false);
    orchestrator.noteFlip('westeurope', false);
    await orchestrator.decide();
    expect(queued).toEqual([
      {
        kind: 'failover',
        fromEpoch: 4,
        reason: 'westeurope failed its health checks',
        forced: false,
        detectedAt: clock.now(),
        triggeredAt: firstFailure,
      },
    ]);
  });

  it('does nothing while paused, or when the secondary is down too', async () => {
    healthy.set('westeurope', false);
    await store.setPaused(true);
    await orchestrator.decide();
    await store.setPaused(false);
    healthy.set('northeurope', false);
    await orchestrator.decide();
    expect(queued).toEqual([]);
  });

  it('fails back automatically only after minFailedOverMs with a healthy primary', async () => {
    const failover = {
      from: 'westeurope',
      to: 'northeurope',
      reason: 'r',
      forced: false,
      detectedAt: null,
      triggeredAt: null,
      startedAt: clock.now(),
      servingAt: clock.now(),
      failbackStartedAt: null,
      endedAt: null,
      recoveredChanges: null,
      rpo: null,
    };
    await put({ ...base, state: 'failed-over', epoch: 6, since: clock.now(), failover });
    await clock.advance(9_999);
    await orchestrator.decide();
    expect(queued).toEqual([]);
    await clock.advance(1);
    healthy.set('westeurope', false);
    await orchestrator.decide();
    expect(queued).toEqual([]);
    healthy.set('westeurope', true);
    await orchestrator.decide();
    expect(queued.map((job) => `${job.kind}-${job.fromEpoch}`)).toEqual(['failback-6']);
  });

  it('refuses forced transitions that cannot happen, with the reason', async () => {
    await expect(orchestrator.forceFailback()).rejects.toThrow(
      'Cannot fail back: the vault is normal (epoch 4); failback starts from failed-over.',
    );
    await expect(orchestrator.forceFailback()).rejects.toMatchObject({
      reason: { kind: 'wrong-state', transition: 'failback', state: 'normal', epoch: 4 },
    });
    healthy.set('northeurope', false);
    const refusal = orchestrator.forceFailover();
    await expect(refusal).rejects.toBeInstanceOf(TransitionConflictError);
    await expect(refusal).rejects.toMatchObject({
      status: 409,
      code: 'Conflict',
      reason: { kind: 'secondary-unhealthy', region: 'northeurope' },
      message: 'Cannot fail over: the secondary region northeurope is unhealthy.',
    });
    healthy.set('northeurope', true);
    expect(await orchestrator.forceFailover()).toEqual({ jobId: 'failover-4', epoch: 4 });
    // A forced failover's recovery time starts with the request.
    expect(queued[0]).toMatchObject({ forced: true, fromEpoch: 4, triggeredAt: clock.now() });
  });

  it('accepts the first forced request of a transition and refuses the next ones, naming its job', async () => {
    expect(await orchestrator.forceFailover()).toEqual({ jobId: 'failover-4', epoch: 4 });
    const again = orchestrator.forceFailover();
    await expect(again).rejects.toMatchObject({
      status: 409,
      reason: { kind: 'already-requested', transition: 'failover', jobId: 'failover-4', epoch: 4 },
      message: 'Cannot fail over: failover-4 was already requested at epoch 4 and runs once.',
    });
  });

  it('refuses a forced failover once an automatic one was decided at the same epoch', async () => {
    healthy.set('westeurope', false);
    await orchestrator.decide();
    await expect(orchestrator.forceFailover()).rejects.toMatchObject({
      reason: { kind: 'already-requested', jobId: 'failover-4' },
    });
    expect(queued.map((job) => job.forced)).toEqual([false, true]);
  });
});
