import type { Clock } from '@vaultover/foundation';
import type { Mutation } from './mutation.ts';

/**
 * How long, in simulated milliseconds, a change takes to show in the real service, which the SDKs'
 * pollers exist to wait out (docs/vault-api.md, "Propagation delays"). 0 (the default) shows it at once.
 */
export interface PropagationDelays {
  /**
   * After a delete or a recover, the object is in neither place (live or deleted) for this long; after
   * a purge, its name stays taken for this long (store/purge-window.ts).
   */
  deleteRecoverMs?: number | undefined;
  /** A self-signed certificate's creation stays inProgress for this long. */
  certificateCreateMs?: number | undefined;
}

/**
 * Hash field of an object (beside `head`, `deleted`): the moment, ms since the epoch on the simulated
 * clock, from which its last delete or recover is visible. Stored, so that it replicates and survives
 * a restart; a moment in the past is the same as none.
 */
export const SETTLES_FIELD = 'settles';

/** Whether an object whose `settles` field holds `settles` is still in its propagation window. */
export function isSettling(settles: string | null | undefined, clock: Clock): boolean {
  return settles !== null && settles !== undefined && Number(settles) > clock.now();
}

/** Adds to `mutation` the `settles` moment of `object` (its relative key), when there is a delay. */
export function markSettling(mutation: Mutation, object: string, settles: string | undefined): Mutation {
  return settles ? mutation.hset(object, SETTLES_FIELD, settles) : mutation;
}

/** The moment a delete, recover or purge now shows (`settles`, `purgeSettles`), or undefined without a delay. */
export function settlesAt(clock: Clock, delayMs: number | undefined): string | undefined {
  return delayMs && delayMs > 0 ? String(clock.now() + delayMs) : undefined;
}
