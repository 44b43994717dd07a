import type { RegionMode } from '@vaultover/contract';

/**
 * The failover state machine of a region pair: `normal → failing-over → failed-over → failing-back → normal`,
 * and back to `failed-over` from `failing-back` when failback is aborted. transition-table.ts lists every
 * allowed move.
 */
export const FAILOVER_STATES = ['normal', 'failing-over', 'failed-over', 'failing-back'] as const;
export type FailoverStateName = (typeof FAILOVER_STATES)[number];

/** What a failover left behind: changes the primary had committed that the secondary had not applied. */
export interface RpoReport {
  /**
   * Acknowledged changes lost to the failover: committed at the primary and answered OK to a client,
   * never applied by the secondary. 0 in sync mode, where the primary answers OK only after the
   * secondary applied the change.
   */
  lostChanges: number;
  /**
   * Sync mode: changes committed at the primary whose clients got a 503 (not replicated in time), not
   * applied by the secondary. Not lost to anyone: nobody was told they were written. 0 in async mode.
   */
  unacknowledgedChanges: number;
  /** The primary's newest commit the secondary never applied (epoch ms), or null when nothing was lost. */
  newestLostCommitTime: number | null;
  /** How old the lost changes were at promotion, in seconds (from the secondary's last applied commit). */
  lostWindowSeconds: number | null;
  /** The primary's position at promotion (a sum over vaults: differences count changes). */
  primaryPosition: number | null;
  /**
   * Where that came from: `store`, read from the old primary's Redis after its lease ran out (exact);
   * `probes`, its last good health probe or what the secondary last read of its stream, when the store
   * could not be read (misses what it committed after that). Absent in records written before it existed.
   */
  primaryPositionFrom?: 'store' | 'probes';
  secondaryAppliedPosition: number | null;
}

/**
 * One failover, as persisted with the state. Times are epoch milliseconds (control clock); they become ISO
 * strings only where they leave the process (failover-json.ts).
 */
export interface FailoverRecord {
  from: string;
  to: string;
  reason: string;
  forced: boolean;
  /** When the monitor judged the primary down, or null (forced, or not seen go down). */
  detectedAt: number | null;
  /**
   * When the failover's cause was first seen: the first failed health probe of the run of failures that
   * made the monitor judge the primary down, or the arrival of the forced request. Null when not known
   * (records written before it existed). The recovery time (recovery-time.ts) starts here.
   */
  triggeredAt: number | null;
  startedAt: number;
  servingAt: number | null;
  failbackStartedAt: number | null;
  endedAt: number | null;
  rpo: RpoReport | null;
  /**
   * At failback: how many of the changes the failover left behind (rpo.lostChanges) are served again,
   * because the primary came back with them. Null until failback.
   */
  recoveredChanges: number | null;
}

interface Base {
  readonly epoch: number;
  readonly primary: string;
  readonly secondary: string;
  /** When this state was entered (epoch ms, control clock). */
  readonly since: number;
}

/** The discriminated union persisted in the control Redis. */
export type FailoverState =
  | (Base & { readonly state: 'normal'; readonly lastFailover: FailoverRecord | null })
  | (Base & {
      readonly state: 'failing-over';
      readonly windowEndsAt: number;
      readonly failover: FailoverRecord;
    })
  | (Base & { readonly state: 'failed-over'; readonly failover: FailoverRecord })
  | (Base & {
      readonly state: 'failing-back';
      readonly windowEndsAt: number;
      readonly failover: FailoverRecord;
    });

/** The region that serves clients in `state`, or null during a window. */
export function servingRegion(state: FailoverState): string | null {
  switch (state.state) {
    case 'normal':
      return state.primary;
    case 'failed-over':
      return state.secondary;
    default:
      return null;
  }
}

/** The mode every region must be in: only the serving region serves, and only the primary writes. */
export function assignedModes(state: FailoverState): Record<string, RegionMode> {
  return {
    [state.primary]: state.state === 'normal' ? 'read-write' : 'standby',
    [state.secondary]: state.state === 'failed-over' ? 'read-only' : 'standby',
  };
}

/** The one region allowed to write, or null. */
export function writerOf(state: FailoverState): string | null {
  return state.state === 'normal' ? state.primary : null;
}

/** The latest failover, finished or not. */
export function latestFailover(state: FailoverState): FailoverRecord | null {
  return state.state === 'normal' ? state.lastFailover : state.failover;
}
