import type { Clock } from '@vaultover/foundation';
import { VaultError } from '@vaultover/vault';
import type { Logger } from 'pino';
import type { EventLog } from '../events/event-log.ts';
import type { FailoverState, FailoverStateName } from '../failover/failover-state.ts';
import type { FailoverStore } from '../failover/failover-store.ts';
import type { HealthMonitor } from '../monitor/health-monitor.ts';
import type { FailoverSettings } from './failover-settings.ts';
import type { Enqueued, TransitionQueue } from './transition-queue.ts';
import type { TransitionJob } from './transitions.ts';

/** Why a manual transition cannot happen now: a closed set; the API's 409 says it in words. */
export type TransitionConflictReason =
  | { readonly kind: 'uninitialised' }
  | {
      readonly kind: 'wrong-state';
      readonly transition: TransitionJob['kind'];
      readonly state: FailoverStateName;
      readonly epoch: number;
    }
  | {
      readonly kind: 'already-requested';
      readonly transition: TransitionJob['kind'];
      readonly jobId: string;
      readonly epoch: number;
    }
  | { readonly kind: 'secondary-unhealthy'; readonly region: string }
  | { readonly kind: 'primary-not-recovered'; readonly region: string; readonly recoveryThreshold: number };

/** A manual transition that cannot happen now; the API answers 409 with the reason in words. */
export class TransitionConflictError extends VaultError {
  readonly reason: TransitionConflictReason;

  constructor(reason: TransitionConflictReason) {
    super(409, 'Conflict', conflictMessage(reason));
    this.reason = reason;
  }
}

function conflictMessage(reason: TransitionConflictReason): string {
  switch (reason.kind) {
    case 'uninitialised':
      return 'The failover state is not initialised yet.';
    case 'wrong-state':
      return reason.transition === 'failover'
        ? `Cannot fail over: the vault is ${reason.state} (epoch ${reason.epoch}).`
        : `Cannot fail back: the vault is ${reason.state} (epoch ${reason.epoch}); failback starts from failed-over.`;
    case 'already-requested':
      return (
        `Cannot ${reason.transition === 'failover' ? 'fail over' : 'fail back'}: ` +
        `${reason.jobId} was already requested at epoch ${reason.epoch} and runs once.`
      );
    case 'secondary-unhealthy':
      return `Cannot fail over: the secondary region ${reason.region} is unhealthy.`;
    case 'primary-not-recovered':
      return (
        `Cannot fail back: the primary region ${reason.region} is not healthy yet ` +
        `(it needs ${reason.recoveryThreshold} good health checks in a row).`
      );
  }
}

export interface OrchestratorDeps {
  store: FailoverStore;
  events: EventLog;
  monitor: HealthMonitor;
  queue: Pick<TransitionQueue, 'enqueue'>;
  clock: Clock;
  settings: FailoverSettings;
  logger: Logger;
}

/**
 * Decides transitions: automatically from the monitor's verdicts (unless paused), or on request. It
 * never moves the state itself; it queues the transition job for the epoch it saw, so deciding twice,
 * or in two control processes, queues one job.
 */
export class Orchestrator {
  readonly #deps: OrchestratorDeps;
  /** Region → when the monitor judged it down, and when the failures that made it do so began (epoch ms). */
  readonly #down = new Map<string, { judgedAt: number; failingSince: number }>();

  constructor(deps: OrchestratorDeps) {
    this.#deps = deps;
  }

  /** Re-evaluates after every probe round: flips, the flapping guard's expiry, a resumed monitor. */
  async decide(): Promise<void> {
    const state = await this.#deps.store.load();
    if (!state || (await this.#deps.store.paused())) return;
    if (state.state === 'normal' && !this.#healthy(state.primary)) {
      if (!this.#healthy(state.secondary)) return; // nowhere to go: the monitor's events say why
      await this.#enqueue(state, 'failover', `${state.primary} failed its health checks`, false);
    } else if (state.state === 'failed-over' && this.#failbackDue(state)) {
      await this.#enqueue(state, 'failback', `${state.primary} is healthy again`, false);
    }
  }

  /** Records when a region went down (for detection time) and when its failures began (for recovery time). */
  noteFlip(region: string, healthy: boolean): void {
    if (healthy) return void this.#down.delete(region);
    const judgedAt = this.#deps.clock.now();
    this.#down.set(region, {
      judgedAt,
      failingSince: this.#deps.monitor.view(region)?.failingSince ?? judgedAt,
    });
  }

  /** `POST /api/failover`: the job id, or a conflict saying why not. */
  async forceFailover(): Promise<{ jobId: string; epoch: number }> {
    const state = await this.#loaded();
    if (state.state !== 'normal') {
      throw new TransitionConflictError({
        kind: 'wrong-state',
        transition: 'failover',
        state: state.state,
        epoch: state.epoch,
      });
    }
    if (!this.#healthy(state.secondary)) {
      throw new TransitionConflictError({ kind: 'secondary-unhealthy', region: state.secondary });
    }
    return this.#request(state, 'failover');
  }

  /** `POST /api/failback`: forced failback skips the flapping guard, never the primary's health. */
  async forceFailback(): Promise<{ jobId: string; epoch: number }> {
    const state = await this.#loaded();
    if (state.state !== 'failed-over') {
      throw new TransitionConflictError({
        kind: 'wrong-state',
        transition: 'failback',
        state: state.state,
        epoch: state.epoch,
      });
    }
    if (!this.#healthy(state.primary)) {
      throw new TransitionConflictError({
        kind: 'primary-not-recovered',
        region: state.primary,
        recoveryThreshold: this.#deps.monitor.settings.recoveryThreshold,
      });
    }
    return this.#request(state, 'failback');
  }

  /**
   * Queues a forced transition; only the first request for it (this process or another, or an automatic
   * decision) is accepted, the others are told which job already stands.
   */
  async #request(
    state: FailoverState,
    kind: TransitionJob['kind'],
  ): Promise<{ jobId: string; epoch: number }> {
    const { id, first } = await this.#enqueue(state, kind, 'forced through the control API', true);
    if (!first)
      throw new TransitionConflictError({
        kind: 'already-requested',
        transition: kind,
        jobId: id,
        epoch: state.epoch,
      });
    return { jobId: id, epoch: state.epoch };
  }

  #failbackDue(state: Extract<FailoverState, { state: 'failed-over' }>): boolean {
    const { settings, clock } = this.#deps;
    return (
      settings.autoFailback &&
      this.#healthy(state.primary) &&
      clock.now() - state.since >= settings.minFailedOverMs
    );
  }

  #healthy(region: string): boolean {
    return this.#deps.monitor.view(region)?.healthy ?? false;
  }

  async #loaded(): Promise<FailoverState> {
    const state = await this.#deps.store.load();
    if (!state) throw new TransitionConflictError({ kind: 'uninitialised' });
    return state;
  }

  async #enqueue(
    state: FailoverState,
    kind: TransitionJob['kind'],
    reason: string,
    forced: boolean,
  ): Promise<Enqueued> {
    const failover = kind === 'failover';
    const down = failover ? this.#down.get(state.primary) : undefined;
    // A forced failover starts with its request; an automatic one with the first failed probe of the
    // failures that made the monitor judge the primary down.
    const triggeredAt = forced ? this.#deps.clock.now() : (down?.failingSince ?? null);
    return this.#deps.queue.enqueue({
      kind,
      fromEpoch: state.epoch,
      reason,
      forced,
      detectedAt: down?.judgedAt ?? null,
      triggeredAt: failover ? triggeredAt : null,
    });
  }
}
