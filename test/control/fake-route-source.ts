import { EventEmitter } from 'node:events';
import type { RouteDecision, RouteSource } from '@vaultover/control';
import { type Clock, systemClock } from '@vaultover/foundation';

/** A RouteSource the test steers: `set()` installs a decision and emits `change`, as the orchestrator would. */
export class FakeRouteSource extends EventEmitter implements RouteSource {
  #decision: RouteDecision;
  /** The source's clock; a test may stop it, so that `Retry-After` values are exact. */
  clock: Clock;

  constructor(decision: RouteDecision, clock: Clock = systemClock) {
    super();
    this.#decision = decision;
    this.clock = clock;
  }

  /** A source that forwards every connection to the region at `url`, read-write, at epoch 0. */
  static forwarding(region: string, url: string): FakeRouteSource {
    return new FakeRouteSource({ kind: 'forward', region, url, mode: 'read-write', epoch: 0 });
  }

  decide(): RouteDecision {
    return this.#decision;
  }

  set(decision: RouteDecision): void {
    this.#decision = decision;
    this.emit('change', decision);
  }
}
