import { isVaultLifecycleOperation } from '../catalogue.ts';
import type { Guard, GuardReason, Mutation } from './mutation.ts';
import { rel } from './vault-keys.ts';

/** Reason of the guards added here; the committer turns it into VaultNotFound. */
export const VAULT_GONE = { on: 'vault', failure: 'gone' } as const satisfies GuardReason;

/** What the committer sends to the script: the mutation's keys, guards and their reasons. */
export interface CommitPlan {
  readonly keys: readonly string[];
  readonly guards: readonly Guard[];
  readonly reasons: readonly GuardReason[];
}

/**
 * The mutation as committed: any change to a vault's contents first requires, in the same atomic step,
 * that the vault exists and is not soft-deleted. Without this, a write that passed the data plane's
 * vault check just before the vault was deleted could land in a deleted vault, or leave keys behind a
 * purge (which removes the keys it found a moment before). Added keys go last, so the op indexes of
 * the mutation stay valid.
 */
export function withLiveVaultGuard(mutation: Mutation): CommitPlan {
  // Operations on the vault itself check the vault's own state with guards of their own.
  if (isVaultLifecycleOperation(mutation.operation)) return mutation;
  const keys = [...mutation.keys];
  let props = keys.indexOf(rel.properties());
  if (props < 0) props = keys.push(rel.properties()) - 1;
  return {
    keys,
    guards: [['hexists', props, 'doc', true], ['hexists', props, 'deleted', false], ...mutation.guards],
    reasons: [VAULT_GONE, VAULT_GONE, ...mutation.reasons],
  };
}
