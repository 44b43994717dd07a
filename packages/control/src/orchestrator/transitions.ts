import type { Clock } from '@vaultover/foundation';
import type { Logger } from 'pino';
import type { EventLog } from '../events/event-log.ts';
import type { FailoverRecord, FailoverState } from '../failover/failover-state.ts';
import type { FailoverStore } from '../failover/failover-store.ts';
import type { TransitionPayloads } from '../failover/transition-events.ts';
import type { FromOf, StateIn, ToOf, TransitionName } from '../failover/transition-table.ts';
import type { HealthMonitor } from '../monitor/health-monitor.ts';
import { pushModes } from '../regions/push-modes.ts';
import type { RegionAdmin } from '../regions/region-admin.ts';
import type { FailoverSettings } from './failover-settings.ts';
import { measureRpo, type PositionsSource } from './rpo.ts';

/** A failover or failback job: decided at `fromEpoch` (its id is the kind and that epoch). */
export interface TransitionJob {
  kind: 'failover' | 'failback';
  fromEpoch: number;
  reason: string;
  forced: boolean;
  /** When the monitor judged the primary down (epoch ms), for detection time. */
  detectedAt: number | null;
  /** A failover's cause as first seen (epoch ms; FailoverRecord.triggeredAt), for recovery time. */
  triggeredAt: number | null;
}

export interface TransitionsDeps {
  store: FailoverStore;
  events: EventLog;
  clock: Clock;
  settings: FailoverSettings;
  positions: PositionsSource;
  /** The monitor's verdicts: a failback ends only onto a primary it sees healthy. */
  monitor: Pick<HealthMonitor, 'view' | 'settings'>;
  admin: RegionAdmin;
  /** Region name → base URL, for pushing modes. */
  urls: ReadonlyMap<string, string>;
  logger: Logger;
}

/**
 * The steps of a transition. Each job re-reads the persisted state and does only what is left at the
 * epoch it was decided at, so a job that runs twice, or is resumed by another control process after its
 * first runner died mid-window, never moves the state machine twice: every move is a compare-and-set
 * on the epoch, through `store.transition()`, whose events tell what happened (`promoted`, …).
 */
export class Transitions {
  readonly #deps: TransitionsDeps;

  constructor(deps: TransitionsDeps) {
    this.#deps = deps;
  }

  async run(job: TransitionJob, signal: AbortSignal): Promise<void> {
    if (job.kind === 'failover') await this.#failover(job, signal);
    else await this.#failback(job, signal);
  }

  async #failover(job: TransitionJob, signal: AbortSignal): Promise<void> {
    const { store, clock, settings } = this.#deps;
    let state = await store.load();
    if (state?.state === 'normal' && state.epoch === job.fromEpoch) {
      const now = clock.now();
      const record: FailoverRecord = {
        from: state.primary,
        to: state.secondary,
        reason: job.reason,
        forced: job.forced,
        detectedAt: job.detectedAt,
        // Jobs queued by a control process older than the field carry none.
        triggeredAt: job.triggeredAt ?? null,
        startedAt: now,
        servingAt: null,
        failbackStartedAt: null,
        endedAt: null,
        rpo: null,
        recoveredChanges: null,
      };
      const next: StateIn<'failing-over'> = {
        ...base(state, now),
        state: 'failing-over',
        windowEndsAt: now + settings.failoverWindowMs,
        failover: record,
      };
      state = await this.#move('failover-started', state, next, { reason: job.reason, forced: job.forced });
    }
    if (state?.state !== 'failing-over' || state.epoch !== job.fromEpoch + 1) return;
    await clock.sleep(state.windowEndsAt - clock.now(), signal);
    await this.#waitForLeaseExpiry(signal);
    if (signal.aborted) return;
    const rpo = await measureRpo(this.#deps.positions, state.primary, state.secondary);
    const now = clock.now();
    const failover = { ...state.failover, servingAt: now, rpo };
    const next: StateIn<'failed-over'> = { ...base(state, now), state: 'failed-over', failover };
    await this.#move('promoted', state, next, { rpo });
  }

  async #failback(job: TransitionJob, signal: AbortSignal): Promise<void> {
    const { store, clock, settings } = this.#deps;
    let state = await store.load();
    if (state?.state === 'failed-over' && state.epoch === job.fromEpoch) {
      const now = clock.now();
      const next: StateIn<'failing-back'> = {
        ...base(state, now),
        state: 'failing-back',
        windowEndsAt: now + settings.failbackWindowMs,
        failover: { ...state.failover, failbackStartedAt: now },
      };
      state = await this.#move('failback-started', state, next, { reason: job.reason, forced: job.forced });
    }
    if (state?.state !== 'failing-back' || state.epoch !== job.fromEpoch + 1) return;
    await clock.sleep(state.windowEndsAt - clock.now(), signal);
    await this.#awaitVerdict(state.primary, signal);
    if (signal.aborted) return;
    const now = clock.now();
    const refusal = this.#primaryUnfit(state.primary) ?? (await this.#primaryBehind(state));
    if (refusal) {
      // Serving this primary would serve a dead region (and force a second failover), or fork the
      // regions (it lost changes the secondary holds). Stay failed over and say why.
      const next: StateIn<'failed-over'> = {
        ...base(state, now),
        state: 'failed-over',
        failover: state.failover,
      };
      await this.#move('failback-aborted', state, next, { reason: refusal });
      return;
    }
    const recoveredChanges = await this.#recovered(state.primary, state.failover);
    const next: StateIn<'normal'> = {
      ...base(state, now),
      state: 'normal',
      lastFailover: { ...state.failover, endedAt: now, recoveredChanges },
    };
    await this.#move('failed-back', state, next, { recoveredChanges });
  }

  /** The transition `name` by compare-and-set; pushes the new modes to the regions when it won. */
  async #move<N extends TransitionName>(
    name: N,
    from: StateIn<FromOf<N>>,
    to: StateIn<ToOf<N>>,
    payload: TransitionPayloads[N],
  ): Promise<FailoverState | undefined> {
    if (!(await this.#deps.store.transition(name, from, to, payload))) return this.#deps.store.load();
    this.#deps.logger.info(
      { transition: name, from: from.state, to: to.state, epoch: to.epoch },
      'failover state moved',
    );
    await pushModes(this.#deps.admin, this.#deps.urls, to, this.#deps.logger);
    return to;
  }

  /** Nobody may be promoted while the old writer could still accept writes. */
  async #waitForLeaseExpiry(signal: AbortSignal): Promise<void> {
    const { store, clock } = this.#deps;
    for (;;) {
      const remaining = await store.leaseRemainingMs();
      if (remaining <= 0 || signal.aborted) return;
      await clock.sleep(Math.min(remaining, 100), signal);
    }
  }

  /**
   * The lost changes the primary brings back: all of them when it still holds every change it had at
   * the failover (its position did not go back), else as many as its position still covers.
   */
  async #recovered(primary: string, failover: FailoverRecord): Promise<number> {
    const lost = failover.rpo?.lostChanges ?? 0;
    if (lost === 0) return 0;
    const have = (await this.#deps.positions.latest(primary))?.replication?.lastPosition;
    const had = failover.rpo?.primaryPosition;
    if (typeof have !== 'number' || typeof had !== 'number') return 0;
    return Math.max(0, Math.min(lost, lost - (had - have)));
  }

  /**
   * When the monitor has no verdict on the primary yet — its latest probe failed but not yet enough
   * times, or it has not probed it at all (a control process started again takes over the job) — waits
   * until it has one (a good probe, or enough failures), at most as long as the monitor takes to judge:
   * one slow probe, or a fresh monitor, must not abort a failback, and a crashed primary must not get it.
   */
  async #awaitVerdict(primary: string, signal: AbortSignal): Promise<void> {
    const { clock, monitor } = this.#deps;
    const { failureThreshold, probeIntervalMs, probeTimeoutMs } = monitor.settings;
    const deadline = clock.now() + failureThreshold * (probeIntervalMs + probeTimeoutMs);
    for (;;) {
      const view = monitor.view(primary);
      const pending = view?.healthy === true && view.lastProbe?.ok !== true;
      if (!pending || signal.aborted || clock.now() >= deadline) return;
      await clock.sleep(Math.min(100, probeIntervalMs), signal);
    }
  }

  /**
   * Why the primary cannot take over at the end of the failback window, as the monitor sees it now, or
   * null: it must be judged healthy, have answered its latest probe, and have reported its position.
   * Unknown counts as unfit (a region the monitor does not watch, or still has not probed after
   * #awaitVerdict): the secondary serving read-only is safe, a dead or unknown primary serving is not.
   */
  #primaryUnfit(primary: string): string | null {
    const { monitor } = this.#deps;
    const view = monitor.view(primary);
    const serving = 'the secondary serves on';
    if (!view?.lastProbe) return `${primary}'s health is unknown (no health check seen): ${serving}`;
    // Judged down and answering again, but not yet for recoveryThreshold probes in a row.
    const reason =
      view.lastProbe.reason ?? `not yet ${monitor.settings.recoveryThreshold} good health checks in a row`;
    if (!view.healthy) return `${primary} is unhealthy (${reason}): ${serving}`;
    if (!view.lastProbe.ok) return `${primary} failed its latest health check (${reason}): ${serving}`;
    if (typeof view.lastGood?.replication?.lastPosition !== 'number')
      return `${primary}'s change position is unknown (its health check did not report one): ${serving}`;
    return null;
  }

  /**
   * A reason when the primary holds fewer changes than the secondary applied, else null. A secondary
   * that never reported what it applied cannot say: that check exists to catch a primary that lost data,
   * and the primary (checked above) is the way out of a secondary that is not answering.
   */
  async #primaryBehind(state: FailoverState): Promise<string | null> {
    const [primary, secondary] = await Promise.all([
      this.#deps.positions.latest(state.primary),
      this.#deps.positions.latest(state.secondary),
    ]);
    const have = primary?.replication?.lastPosition;
    const applied = secondary?.replication?.lastAppliedPosition;
    if (typeof have !== 'number' || typeof applied !== 'number' || have >= applied) return null;
    return `${state.primary} holds ${have} changes but ${state.secondary} applied ${applied}: the primary lost data`;
  }
}

function base(state: FailoverState, now: number) {
  return { epoch: state.epoch + 1, primary: state.primary, secondary: state.secondary, since: now };
}
