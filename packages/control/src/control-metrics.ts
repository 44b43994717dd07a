import { Counter, Gauge, Histogram, Registry } from '@vaultover/foundation/metrics';
import {
  FAILOVER_STATES,
  type FailoverState,
  latestFailover,
  servingRegion,
} from './failover/failover-state.ts';
import { recoveryTimeSeconds } from './failover/recovery-time.ts';

/**
 * The control process's metrics (docs/control-api.md#metrics, conventions in docs/design.md#observability):
 * labels are region names, states and results, never object names.
 */
export class ControlMetrics {
  readonly registry: Registry;
  readonly regionUp: Gauge<'region'>;
  readonly failoverState: Gauge<'state'>;
  readonly failovers: Counter;
  readonly failoverDuration: Histogram;
  readonly healthChecks: Counter<'region' | 'result'>;
  readonly epoch: Gauge;
  readonly rpoChanges: Gauge;
  readonly rpoSeconds: Gauge;
  readonly servingRegion: Gauge<'region'>;
  readonly lastRto: Gauge;

  constructor(registry = new Registry()) {
    this.registry = registry;
    this.regionUp = new Gauge({
      name: 'vaultover_region_up',
      help: '1 while the health monitor judges the region up, 0 once it is down (after its thresholds).',
      labelNames: ['region'],
      registers: [registry],
    });
    this.failoverState = new Gauge({
      name: 'vaultover_failover_state',
      help: 'The failover state machine: 1 for the current state, 0 for the others.',
      labelNames: ['state'],
      registers: [registry],
    });
    this.failovers = new Counter({
      name: 'vaultover_failovers_total',
      help: 'Failovers completed (the secondary serving read-only).',
      registers: [registry],
    });
    this.failoverDuration = new Histogram({
      name: 'vaultover_failover_duration_seconds',
      help: 'From the start of failing over until the secondary served (window plus lease wait).',
      buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
      registers: [registry],
    });
    this.healthChecks = new Counter({
      name: 'vaultover_health_checks_total',
      help: "Health probes of each region by result ('ok' or 'fail').",
      labelNames: ['region', 'result'],
      registers: [registry],
    });
    this.rpoChanges = new Gauge({
      name: 'vaultover_failover_rpo_changes',
      help: 'Acknowledged changes the last failover left behind (the secondary never applied them; 0 in sync mode).',
      registers: [registry],
    });
    this.rpoSeconds = new Gauge({
      name: 'vaultover_failover_rpo_seconds',
      help: 'How much commit time the changes the last failover left behind span (0 when none were lost).',
      registers: [registry],
    });
    this.servingRegion = new Gauge({
      name: 'vaultover_serving_region',
      help: 'The region the global endpoint sends clients to now: 1 for it, 0 for the other (both 0 in a window).',
      labelNames: ['region'],
      registers: [registry],
    });
    this.lastRto = new Gauge({
      name: 'vaultover_failover_last_rto_seconds',
      help: "The last completed failover's recovery time: from its cause as first seen (first failed probe, or the forced request) until the secondary served.",
      registers: [registry],
    });
    // No sample until a failover completed: a 0 would read as an instant recovery.
    this.lastRto.remove();
    this.epoch = new Gauge({
      name: 'vaultover_failover_epoch',
      help: 'Epoch of the failover state: bumped by every transition.',
      registers: [registry],
    });
  }

  showState(state: FailoverState): void {
    for (const name of FAILOVER_STATES) this.failoverState.set({ state: name }, name === state.state ? 1 : 0);
    this.epoch.set(state.epoch);
    const serving = servingRegion(state);
    for (const region of [state.primary, state.secondary])
      this.servingRegion.set({ region }, region === serving ? 1 : 0);
    const failover = latestFailover(state);
    const rto = failover ? recoveryTimeSeconds(failover) : null;
    if (rto !== null) this.lastRto.set(rto);
    const rpo = failover?.rpo;
    if (rpo) {
      this.rpoChanges.set(rpo.lostChanges);
      this.rpoSeconds.set(rpo.lostWindowSeconds ?? 0);
    }
  }
}
