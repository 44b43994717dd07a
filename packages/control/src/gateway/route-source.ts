import type { EventEmitter } from 'node:events';
import type { Clock } from '@vaultover/foundation';

/** How the global endpoint fails requests during a failover or failback window. */
export const FAILURE_MODES = ['status', 'reset', 'hang'] as const;
export type FailureMode = (typeof FAILURE_MODES)[number];

/** What the global endpoint does with a connection that arrives now. */
export type RouteDecision =
  /** Relay to the region that serves, telling it (PROXY header) the epoch the connection was routed under. */
  | {
      readonly kind: 'forward';
      readonly region: string;
      /** The region node's base URL, e.g. https://localhost:PORT. */
      readonly url: string;
      /** The serving region's mode (`read-write`, `read-only`), in the gateway's own answers' `x-vaultover-mode`. */
      readonly mode: string;
      readonly epoch: number;
    }
  /** A transition window: fail the connection the configured way until `until` (epoch ms, control clock). */
  | {
      readonly kind: 'fail';
      readonly how: FailureMode;
      /** Human-readable state, e.g. "The vault is failing over from westeurope to northeurope". */
      readonly reason: string;
      /** The transition, e.g. `failing-over` or `failing-back`, sent in `x-vaultover-mode`. */
      readonly state?: string;
      readonly until: number;
      readonly epoch: number;
    }
  /**
   * No region to route to (the failover state is not loaded yet, or no URL is known for the serving
   * region): 503, no window to wait for. A serving region that is down is still `forward`: the gateway
   * then answers 503 itself when the region does not answer.
   */
  | { readonly kind: 'unavailable'; readonly reason: string; readonly epoch: number };

/**
 * Where the global endpoint asks how to route. `decide()` is called once per connection and must be cheap
 * (an in-memory read); the source emits `change` whenever a decision may have changed, which is what a
 * connection held by the `hang` failure mode waits for, and what closes connections of older epochs.
 */
export interface RouteSource extends Pick<EventEmitter, 'on' | 'off' | 'once'> {
  decide(): RouteDecision;
  /** The clock `until` is on (so a manual clock can drive windows in tests). */
  readonly clock: Clock;
}
