import type { Clock, Random } from '@vaultover/foundation';
import type { FailoverSnapshot } from '@vaultover/history';
import {
  type DeploymentApi,
  DeploymentCallError,
  type FailoverStatus,
  lossWindows,
} from './deployment-api.ts';

/** The faults the nemesis injects, each healed before the next (docs/reliability.md#the-history-checker). */
export const FAULT_KINDS = [
  'crash-primary',
  'crash-secondary',
  'redis-primary',
  'redis-secondary',
  'kill-control',
  'partition',
  'partition-failover',
  'fault-rule',
  'failover',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** One fault as it was injected and healed (wall-clock ms). */
export interface InjectedFault {
  kind: FaultKind;
  from: number;
  to: number;
}

export interface NemesisOptions {
  api: DeploymentApi;
  clock: Clock;
  random: Random;
  /** How long a fault is held before it is healed, ms: drawn between the two. */
  holdMs: readonly [number, number];
  /**
   * Reads what the promoted secondary holds of the writes invoked from `since` until `promotedAt` (through
   * the global endpoint, which serves it while failed over).
   */
  readSecondary: (since: number, promotedAt: number) => Promise<FailoverSnapshot['state']>;
  /** Ends the run by killing a process: the control process is restarted by `vaultover up`. */
  kill: (pid: number) => void;
  /** Progress lines, for long runs. */
  say?: (line: string) => void;
  /** Called after each round of faults (one of each kind), with the deployment back in `normal`. */
  onRound?: () => Promise<void>;
}

/** How long anything may take to come back (a restart, a failover, a failback). */
const SETTLE_MS = 60_000;
const POLL_MS = 200;
/** `vaultover up` restarts a killed control process at most 5 times a minute: leave it room. */
const CONTROL_KILL_GAP_MS = 20_000;

/**
 * The nemesis: a seeded schedule of faults, one at a time, each healed and the deployment brought back
 * to `normal` before the next. Every failover it sees is checked where it stands: the promoted secondary's
 * state is read and kept with the failover's own RPO report.
 */
export class Nemesis {
  readonly #o: NemesisOptions;
  readonly faults: InjectedFault[] = [];
  readonly failovers: FailoverSnapshot[] = [];
  #order: FaultKind[] = [];
  #lastControlKill = Number.NEGATIVE_INFINITY;
  #ruleCount = 0;

  constructor(options: NemesisOptions) {
    this.#o = options;
  }

  /**
   * Injects faults until `until` (wall-clock ms), and at least one of each kind however long that takes,
   * then leaves the deployment in `normal`.
   */
  async run(until: number): Promise<void> {
    await this.#settle(false);
    while (this.#o.clock.now() < until || this.faults.length < FAULT_KINDS.length) {
      const kind = this.#next();
      const from = this.#o.clock.now();
      this.#o.say?.(`fault: ${kind}`);
      await this.#inject(kind);
      this.faults.push({ kind, from, to: this.#o.clock.now() });
      if (this.#order.length === 0) await this.#o.onRound?.();
      await this.#o.clock.sleep(this.#between(300, 1500));
    }
  }

  /** The kinds in a seeded order, every kind once per round, so that a short run still has each one. */
  #next(): FaultKind {
    if (this.#order.length === 0) {
      this.#order = [...FAULT_KINDS];
      for (let i = this.#order.length - 1; i > 0; i--) {
        const j = Math.floor(this.#o.random() * (i + 1));
        [this.#order[i], this.#order[j]] = [this.#order[j] as FaultKind, this.#order[i] as FaultKind];
      }
    }
    const kind = this.#order.shift() as FaultKind;
    if (kind === 'kill-control' && this.#o.clock.now() - this.#lastControlKill < CONTROL_KILL_GAP_MS)
      return this.#order.length > 0 ? this.#next() : 'partition';
    return kind;
  }

  async #inject(kind: FaultKind): Promise<void> {
    const { api } = this.#o;
    const { primary, secondary } = await this.#regions();
    switch (kind) {
      case 'crash-primary':
      case 'crash-secondary': {
        const region = kind === 'crash-primary' ? primary : secondary;
        await this.#call('POST', `/api/regions/${region}/crash`);
        await this.#hold();
        await this.#call('POST', `/api/regions/${region}/restart`);
        return this.#settle(false);
      }
      case 'redis-primary':
      case 'redis-secondary': {
        const region = kind === 'redis-primary' ? primary : secondary;
        await this.#call('POST', `/api/regions/${region}/redis/stop`);
        await this.#hold();
        await this.#call('POST', `/api/regions/${region}/redis/start`);
        return this.#settle(false);
      }
      case 'kill-control': {
        const { control } = await api.pids();
        if (control !== null) this.#o.kill(control);
        this.#lastControlKill = this.#o.clock.now();
        return this.#settle(false);
      }
      case 'partition':
        await api.replication(false);
        await this.#hold();
        await api.replication(true);
        return this.#settle(false);
      case 'partition-failover':
        // What the primary acknowledges behind the cut is what the failover loses: with the link down
        // until the secondary's state is read, the report must match that state exactly.
        await api.replication(false);
        await this.#hold();
        await this.#call('POST', '/api/failover', undefined, [202, 409]);
        await this.#settle(true);
        await api.replication(true);
        return this.#settle(false);
      case 'fault-rule': {
        const rule = (await this.#call('POST', '/api/faults', this.#rule())) as { id: string };
        await this.#hold();
        await this.#call('DELETE', `/api/faults/${rule.id}`, undefined, [200, 204, 404]);
        return this.#settle(false);
      }
      case 'failover':
        await this.#call('POST', '/api/failover', undefined, [202, 409]);
        return this.#settle(false);
    }
  }

  /** A fault rule on the workload's secret operations, with one of the actions that may hide an outcome. */
  #rule(): unknown {
    const actions = [
      { type: 'error', status: 503, code: 'ServiceUnavailable', message: 'The nemesis says no.' },
      { type: 'reset' },
      { type: 'hang', maxMs: 2000 },
      { type: 'drop-body' },
      { type: 'delay', ms: 300, jitterMs: 200 },
    ];
    return {
      name: `nemesis-${++this.#ruleCount}`,
      match: { operations: ['SecretSet', 'SecretGet', 'SecretDelete', 'SecretRecover', 'KeyEncrypt'] },
      action: actions[Math.floor(this.#o.random() * actions.length)],
      schedule: { probability: 0.3, seed: Math.floor(this.#o.random() * 1e9) },
    };
  }

  /**
   * Until the deployment is `normal` again with every region healthy: a failover that happened is
   * checked (its secondary's state read, once) and then failed back as soon as the primary is healthy.
   * `linkDown`: the secondary could not apply anything after the promotion, so its state must match the
   * report exactly.
   */
  async #settle(linkDown: boolean): Promise<void> {
    const since = this.#o.clock.now();
    const deadline = since + SETTLE_MS;
    let checked: string | null = null;
    let last: FailoverStatus | undefined;
    while (this.#o.clock.now() < deadline) {
      const status = await this.#status();
      last = status ?? last;
      // Normal is not enough: a primary whose Redis just came back may be judged down a moment later
      // and failed over. Back means normal, every region judged healthy and answering a probe since.
      if (status?.state === 'normal' && Object.values(status.regions).every((r) => answering(r, since)))
        return;
      if (status?.state === 'failed-over') {
        const servingAt = status.lastFailover?.servingAt ?? null;
        if (servingAt !== null && servingAt !== checked) {
          checked = servingAt;
          await this.#snapshot(status, linkDown);
        }
        const primary = Object.entries(status.regions).find(([, r]) => r.role === 'primary')?.[1];
        if (primary?.healthy) await this.#call('POST', '/api/failback', undefined, [202, 409]);
      }
      await this.#o.clock.sleep(POLL_MS);
    }
    throw new Error(
      `the deployment did not come back to normal within ${SETTLE_MS / 1000} s; last seen: ${describeStatus(last)}`,
    );
  }

  async #snapshot(status: FailoverStatus, linkDown: boolean): Promise<void> {
    const failover = status.lastFailover;
    if (!failover?.servingAt || !failover.rpo) return;
    const { lostChanges, primaryPositionFrom } = failover.rpo;
    // The report says how it counted: from the old primary's store (exact), or from its last health
    // probe when the store did not answer (it may miss the newest changes).
    const accuracy =
      primaryPositionFrom === 'probes' ? 'estimate' : linkDown ? 'exact' : ('upper-bound' as const);
    const windows = lossWindows(failover.rpo);
    this.#o.say?.(`failed over: ${lostChanges} changes reported lost; reading the secondary`);
    // Each failover checks the writes since the one before: older ones were checked there (and the
    // final state checks them all again).
    const since = this.failovers.at(-1)?.promotedAt ?? 0;
    const promotedAt = Date.parse(failover.servingAt);
    this.failovers.push({
      since,
      promotedAt,
      state: await this.#o.readSecondary(since, promotedAt),
      reported: { changes: lostChanges, windows, accuracy },
    });
  }

  async #regions(): Promise<{ primary: string; secondary: string }> {
    const deadline = this.#o.clock.now() + SETTLE_MS;
    for (;;) {
      const status = await this.#status();
      const names = Object.entries(status?.regions ?? {});
      const primary = names.find(([, r]) => r.role === 'primary')?.[0];
      const secondary = names.find(([, r]) => r.role === 'secondary')?.[0];
      if (primary && secondary) return { primary, secondary };
      if (this.#o.clock.now() > deadline) throw new Error('the control API does not name the regions');
      await this.#o.clock.sleep(POLL_MS);
    }
  }

  /** The status, or undefined while the control process does not answer (it is being restarted). */
  async #status(): Promise<FailoverStatus | undefined> {
    try {
      return await this.#o.api.status();
    } catch {
      return undefined;
    }
  }

  /** A control call retried while the control process does not answer, until SETTLE_MS. */
  async #call(method: string, path: string, body?: unknown, ok?: readonly number[]): Promise<unknown> {
    const deadline = this.#o.clock.now() + SETTLE_MS;
    for (;;) {
      try {
        return await this.#o.api.control(method, path, body, ok);
      } catch (error) {
        const answered = error instanceof DeploymentCallError && error.status < 500;
        if (answered || this.#o.clock.now() > deadline) throw error;
        await this.#o.clock.sleep(POLL_MS);
      }
    }
  }

  #hold(): Promise<void> {
    return this.#o.clock.sleep(this.#between(...this.#o.holdMs));
  }

  #between(low: number, high: number): number {
    return low + Math.floor(this.#o.random() * (high - low));
  }
}

/** Judged healthy, and its latest probe, made after `since`, succeeded. */
/** The state and each region's health and last probe, for an error that says where a run got stuck. */
function describeStatus(status: FailoverStatus | undefined): string {
  if (!status) return 'no answer from the control API';
  const regions = Object.entries(status.regions).map(
    ([name, r]) =>
      `${name} ${r.role} ${r.healthy ? 'healthy' : 'unhealthy'}, last probe ${r.lastProbe?.ok ? 'ok' : 'failed'} at ${r.lastProbe?.at ?? 'never'}`,
  );
  return `${status.state} (epoch ${status.epoch}); ${regions.join('; ')}`;
}

function answering(region: FailoverStatus['regions'][string], since: number): boolean {
  const probe = region.lastProbe;
  return region.healthy && probe?.ok === true && Date.parse(probe.at) > since;
}
