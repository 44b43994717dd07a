import type { FailoverState } from '@vaultover/control';

/** The failover record of a pair in `normal` at `epoch`: `primary` serves, read-write. */
export function normalState(
  epoch: number,
  primary = 'westeurope',
  secondary = 'northeurope',
): FailoverState & { state: 'normal' } {
  return { state: 'normal', epoch, primary, secondary, since: Date.now(), lastFailover: null };
}
