import type { Clock } from '@vaultover/foundation';
import type { OperationName } from '../catalogue.ts';
import { OBJECT_KINDS, type ObjectKind } from '../object-kind.ts';
import { type Committer, GuardFailedError } from './committer.ts';
import { type GuardReason, Mutation } from './mutation.ts';
import { isSettling } from './propagation.ts';
import type { VaultRedis } from './scripts.ts';
import { rel, vaultPrefix } from './vault-keys.ts';

// The real service's purge answers 204 at once but frees the name only a while later: meanwhile the
// name is in neither place (its GETs answer 404) and a new version or a restore of it is refused with a
// 409 (docs/vault-api.md, "Propagation delays"). A purge under a propagation delay removes the object
// and leaves its hash with this one field: the moment, ms on the simulated clock, from which the name is
// free. Being state, it replicates with the purge's change entry and survives a restart; being compared
// with the clock on use, it follows time shifts and needs no timer. A moment in the past is the same as
// none, and the next write of the name removes it.

/** Hash field of a purged object (its only one): when its name becomes free. */
export const PURGE_SETTLES_FIELD = 'purgeSettles';

/** Adds to `mutation` the mark of a purge of `name` that shows at `settles`, if there is a delay. */
export function markPurge(mutation: Mutation, kind: ObjectKind, name: string, settles?: string): Mutation {
  return settles ? mutation.hset(rel.object(kind.id, name), PURGE_SETTLES_FIELD, settles) : mutation;
}

/** Adds to `mutation` a guard that `name` carries no purge mark (see commitPastPurgeWindow). */
export function requireNoPurgeMark(mutation: Mutation, kind: ObjectKind, name: string): Mutation {
  return mutation.requireField(rel.object(kind.id, name), PURGE_SETTLES_FIELD, false, {
    on: kind.id,
    failure: 'purging',
  });
}

export interface PurgeWindowDeps {
  redis: VaultRedis;
  committer: Committer;
  clock: Clock;
}

// One stale mark per object of a certificate (its key and secret carry one too), and a race or two.
const MAX_ATTEMPTS = 6;

/** A write of a name that may have been purged just now. */
export interface PurgeWindowWrite {
  vault: string;
  name: string;
  /** The catalogue operation of the write, also that of the removal of a past mark. */
  operation: OperationName;
  /**
   * Commits the write, its mutation guarded by requireNoPurgeMark and built anew on each call (a
   * mutation's id makes a second commit of it answer the first one's result).
   */
  commit: () => Promise<void>;
  /** The error of the write while the purge of the name (of an object of `kind`) propagates. */
  refused: (kind: ObjectKind) => Error;
}

/**
 * Commits `write`. When its purge guard fails, answers `refused(kind)` while the purge still propagates;
 * after it, removes the stale mark (one guarded mutation of its own, so that a purge in between is not
 * forgotten) and tries again.
 */
export async function commitPastPurgeWindow(deps: PurgeWindowDeps, write: PurgeWindowWrite): Promise<void> {
  const { vault, name, operation, commit, refused } = write;
  for (let attempt = 1; ; attempt++) {
    try {
      return await commit();
    } catch (error) {
      const reason = purgeGuardFailure(error);
      if (!reason || attempt >= MAX_ATTEMPTS) throw error;
      const kind = OBJECT_KINDS[reason.on];
      const object = rel.object(kind.id, name);
      const settles = await deps.redis.hget(vaultPrefix(vault) + object, PURGE_SETTLES_FIELD);
      if (isSettling(settles, deps.clock)) throw refused(kind);
      if (settles) await forgetMark(deps, vault, operation, object, settles, reason);
    }
  }
}

function purgeGuardFailure(error: unknown): { on: ObjectKind['id']; failure: 'purging' } | undefined {
  if (!(error instanceof GuardFailedError) || error.reason.failure !== 'purging') return undefined;
  const { on } = error.reason;
  return on === 'secret' || on === 'key' || on === 'certificate' ? { on, failure: 'purging' } : undefined;
}

/** Removes a past purge mark if it is still exactly `settles`; another writer removing it first is fine. */
async function forgetMark(
  deps: PurgeWindowDeps,
  vault: string,
  operation: OperationName,
  object: string,
  settles: string,
  reason: GuardReason,
): Promise<void> {
  const mutation = new Mutation(operation)
    .requireFieldValue(object, PURGE_SETTLES_FIELD, settles, reason)
    .hdel(object, PURGE_SETTLES_FIELD);
  await deps.committer.commit(vault, mutation).catch((error: unknown) => {
    if (!(error instanceof GuardFailedError)) throw error;
  });
}
