import { EventEmitter } from 'node:events';
import type { Clock } from '@vaultover/foundation';
import { assignedModes, type FailoverState } from '../failover/failover-state.ts';
import type { FailureMode, RouteDecision, RouteSource } from '../gateway/route-source.ts';

export interface RouteTableOptions {
  /** Region name → the region node's base URL. */
  urls: ReadonlyMap<string, string>;
  clock: Clock;
  failureMode: FailureMode;
}

/**
 * The global endpoint's routing, from the failover state: the serving region while there is one, the
 * configured failure during a window. Kept in memory (the gateway asks once per connection) and replaced
 * whenever the state changes.
 */
export class RouteTable extends EventEmitter implements RouteSource {
  readonly #options: RouteTableOptions;
  #state: FailoverState | undefined;
  #decision: RouteDecision = {
    kind: 'unavailable',
    reason: 'the failover state is not loaded yet',
    epoch: 0,
  };

  constructor(options: RouteTableOptions) {
    super();
    this.#options = options;
  }

  get clock(): Clock {
    return this.#options.clock;
  }

  decide(): RouteDecision {
    return this.#decision;
  }

  get state(): FailoverState | undefined {
    return this.#state;
  }

  /** Installs a newer state (an older epoch, from a late read, is ignored). */
  update(state: FailoverState): void {
    if (this.#state && state.epoch < this.#state.epoch) return;
    const changed = this.#state?.epoch !== state.epoch;
    this.#state = state;
    this.#decision = this.#decisionFor(state);
    if (changed) this.emit('change', this.#decision);
  }

  #decisionFor(state: FailoverState): RouteDecision {
    const { epoch } = state;
    switch (state.state) {
      case 'normal':
      case 'failed-over': {
        const region = state.state === 'normal' ? state.primary : state.secondary;
        const url = this.#options.urls.get(region);
        if (!url) return { kind: 'unavailable', reason: `no URL is known for region ${region}`, epoch };
        return { kind: 'forward', region, url, mode: assignedModes(state)[region] ?? 'standby', epoch };
      }
      case 'failing-over':
      case 'failing-back': {
        const [from, to] =
          state.state === 'failing-over'
            ? [state.primary, state.secondary]
            : [state.secondary, state.primary];
        const verb = state.state === 'failing-over' ? 'failing over' : 'failing back';
        return {
          kind: 'fail',
          how: this.#options.failureMode,
          state: state.state,
          reason: `The vault is ${verb} from ${from} to ${to}`,
          until: state.windowEndsAt,
          epoch,
        };
      }
    }
  }
}
