import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { CONTROL_KEYS } from './control-keys.ts';
import { isRegionMode, type RegionMode } from './region-mode.ts';

const RENEW_LEASE = readFileSync(new URL('./lua/renew-lease.lua', import.meta.url), 'utf8');

/**
 * How long a renewed write lease lasts unless the deployment sets `failover.leaseMs`. The control process
 * waits this long for an old writer's lease to run out before it promotes anyone, so both sides must use
 * the same value.
 */
export const DEFAULT_LEASE_MS = 2000;

/** What a region learns at a renewal. */
export interface LeaseRenewal {
  /** Whether this region is the writer and its lease was renewed. */
  held: boolean;
  /** The failover epoch, or null while the control process has written no state yet. */
  epoch: number | null;
  /** The mode this region must serve in, if the state assigns it one. */
  mode: RegionMode | undefined;
}

/**
 * Reads `region`'s assignment and, when it is the writer, renews its lease for `leaseMs`, in one step
 * (lua/renew-lease.lua), so that a region never renews a lease under an epoch it has not seen.
 */
export async function renewLease(redis: Redis, region: string, leaseMs: number): Promise<LeaseRenewal> {
  const [held, epoch, modes] = (await redis.eval(
    RENEW_LEASE,
    2,
    CONTROL_KEYS.failover,
    CONTROL_KEYS.lease,
    region,
    String(leaseMs),
  )) as [number, string, string];
  if (epoch === '') return { held: false, epoch: null, mode: undefined };
  const mode = (JSON.parse(modes || '{}') as Record<string, unknown>)[region];
  return { held: held === 1, epoch: Number(epoch), mode: isRegionMode(mode) ? mode : undefined };
}
