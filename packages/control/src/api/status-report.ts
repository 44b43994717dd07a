import { type FailoverRecordJson, failoverRecordJson, isoOf } from '../failover/failover-json.ts';
import { type FailoverState, latestFailover, servingRegion } from '../failover/failover-state.ts';
import type { FailoverStore } from '../failover/failover-store.ts';
import type { HealthMonitor } from '../monitor/health-monitor.ts';

export interface StatusRegion {
  name: string;
  role: 'primary' | 'secondary';
  url: string;
}

/** `GET /api/status` (docs/control-api.md#get-apistatus). */
export interface ControlStatus {
  state: FailoverState['state'];
  epoch: number;
  serving: string | null;
  /** End of the current failover or failback window (ISO), else null. */
  windowEndsAt: string | null;
  paused: boolean;
  regions: Record<
    string,
    {
      role: 'primary' | 'secondary';
      url: string;
      /** What the region itself reported at its last probe; `offline` when that probe failed. */
      mode: string;
      healthy: boolean;
      lastProbe: { at: string; ok: boolean; reason: string | null } | null;
      replication: unknown;
    }
  >;
  /** The latest failover, finished or not, with ISO times. */
  lastFailover: FailoverRecordJson | null;
}

export class StatusReporter {
  readonly #store: FailoverStore;
  readonly #monitor: HealthMonitor;
  readonly #regions: readonly StatusRegion[];

  constructor(store: FailoverStore, monitor: HealthMonitor, regions: readonly StatusRegion[]) {
    this.#store = store;
    this.#monitor = monitor;
    this.#regions = regions;
  }

  async report(): Promise<ControlStatus> {
    const [state, paused] = await Promise.all([this.#store.load(), this.#store.paused()]);
    if (!state) throw new Error('the failover state is not initialised');
    const lastFailover = latestFailover(state);
    const regions: ControlStatus['regions'] = {};
    for (const region of this.#regions) {
      const view = this.#monitor.view(region.name);
      const answered = view?.lastProbe?.ok ?? false;
      regions[region.name] = {
        role: region.role,
        url: region.url,
        mode: answered ? String(view?.lastGood?.mode ?? 'unknown') : 'offline',
        healthy: view?.healthy ?? false,
        lastProbe: view?.lastProbe ?? null,
        replication: view?.lastGood?.replication ?? null,
      };
    }
    return {
      state: state.state,
      epoch: state.epoch,
      serving: servingRegion(state),
      windowEndsAt:
        state.state === 'failing-over' || state.state === 'failing-back' ? isoOf(state.windowEndsAt) : null,
      paused,
      regions,
      lastFailover: lastFailover && failoverRecordJson(lastFailover),
    };
  }
}
