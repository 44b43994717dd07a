import { EventEmitter } from 'node:events';
import type { RouteDecision, RouteSource } from '@vaultover/control';

/** A RouteSource the test steers: `set()` installs a decision and emits `change`, as the orchestrator would. */
export class FakeRouteSource extends EventEmitter implements RouteSource {
  #decision: RouteDecision;
  /** The source's clock; fixed unless a test moves it, so `Retry-After` values are exact. */
  clock: () => number;

  constructor(decision: RouteDecision, clock: () => number = Date.now) {
    super();
    this.#decision = decision;
    this.clock = clock;
  }

  decide(): RouteDecision {
    return this.#decision;
  }

  now(): number {
    return this.clock();
  }

  set(decision: RouteDecision): void {
    this.#decision = decision;
    this.emit('change', decision);
  }
}
