import { DEFAULT_LEASE_MS } from '@vaultover/contract';
import type { FailureMode } from '../gateway/route-source.ts';

export interface FailoverSettings {
  /** How long failing over takes; the global endpoint fails requests meanwhile. Default 5000. */
  failoverWindowMs: number;
  /** How long failing back takes. Default 3000. */
  failbackWindowMs: number;
  /** Flapping guard: the least time spent failed over before an automatic failback. Default 10000. */
  minFailedOverMs: number;
  /** Fail back on its own once the primary is healthy again. Default true. */
  autoFailback: boolean;
  /** How the global endpoint fails requests during a window. Default `status` (503 + Retry-After). */
  failureMode: FailureMode;
  /** The writer's lease: promotion waits for it to run out. Must match the region nodes'. Default DEFAULT_LEASE_MS. */
  leaseMs: number;
}

export const FAILOVER_DEFAULTS: FailoverSettings = {
  failoverWindowMs: 5000,
  failbackWindowMs: 3000,
  minFailedOverMs: 10_000,
  autoFailback: true,
  failureMode: 'status',
  leaseMs: DEFAULT_LEASE_MS,
};
