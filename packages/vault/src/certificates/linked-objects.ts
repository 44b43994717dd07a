import type { OperationName } from '../catalogue.ts';
import { ConflictError, NotFoundError } from '../errors.ts';
import {
  deletedObjectNotFound,
  objectIsDeleted,
  objectNotFound,
  RestoreConflictError,
} from '../object-errors.ts';
import { CERTIFICATE, KEY, OBJECT_KINDS, type ObjectKind, SECRET } from '../object-kind.ts';
import { type Committer, GuardFailedError } from '../store/committer.ts';
import { type GuardReason, Mutation } from '../store/mutation.ts';
import type { Deletion } from '../store/object-repository.ts';
import { markSettling } from '../store/propagation.ts';
import { markPurge, requireNoPurgeMark } from '../store/purge-window.ts';
import { rel } from '../store/vault-keys.ts';
import { LinkedChangedError } from './certificate-errors.ts';

// A certificate and its managed key and secret change together: every change here is ONE mutation
// touching the three objects (one change entry), so no reader, replica or crash ever sees a
// certificate without its key, or a key whose certificate is gone. The writes follow the layout of
// ObjectRepository (vault-keys.ts): `v:<version>`, `head`, `deleted`, `a:<slot>`, live/deleted indexes.

export const LINKED: readonly ObjectKind[] = [CERTIFICATE, KEY, SECRET];

/** One new version of each object, with the heads the key and secret must still have (null: absent). */
export interface NewVersion {
  name: string;
  version: string;
  docs: Record<ObjectKind['id'], unknown>;
  expectedHeads: { key: string | null; secret: string | null };
  /** Certificate attachments to write (value) or remove (null). */
  attachments: Record<string, unknown | null>;
}

const field = { version: (v: string) => `v:${v}`, attachment: (slot: string) => `a:${slot}` };

/** Adds a version to the three objects; the certificate must not be deleted, the others not foreign. */
export function newVersionMutation(change: NewVersion, operation: OperationName): Mutation {
  const mutation = new Mutation(operation);
  const { name, version } = change;
  for (const kind of LINKED) {
    const object = rel.object(kind.id, name);
    mutation.requireMember(rel.deleted(kind.id), name, false, { on: kind.id, failure: 'deleted' });
    requireNoPurgeMark(mutation, kind, name);
    if (kind !== CERTIFICATE) {
      const head = change.expectedHeads[kind.id as 'key' | 'secret'];
      if (head === null) mutation.requireField(object, 'head', false, { on: kind.id, failure: 'taken' });
      else mutation.requireFieldValue(object, 'head', head, { on: kind.id, failure: 'changed' });
    }
    mutation
      .hset(object, field.version(version), JSON.stringify(change.docs[kind.id]))
      .hset(object, 'head', version)
      .zadd(rel.live(kind.id), name);
  }
  const certificate = rel.object(CERTIFICATE.id, name);
  for (const [slot, value] of Object.entries(change.attachments)) {
    if (value === null) mutation.hdel(certificate, field.attachment(slot));
    else mutation.hset(certificate, field.attachment(slot), JSON.stringify(value));
  }
  return mutation;
}

/** Rewrites one version of some of the objects, each only if it still holds `before` (compare-and-set). */
export function versionUpdateMutation(
  name: string,
  version: string,
  changes: { kind: ObjectKind; before: unknown; after: unknown }[],
  operation: OperationName,
): Mutation {
  const mutation = new Mutation(operation);
  for (const { kind, before, after } of changes) {
    const object = rel.object(kind.id, name);
    mutation
      .requireFieldValue(object, field.version(version), JSON.stringify(before), {
        on: kind.id,
        failure: 'changed',
      })
      .requireField(object, 'deleted', false, { on: kind.id, failure: 'missing' })
      .hset(object, field.version(version), JSON.stringify(after));
  }
  return mutation;
}

/**
 * Soft-deletes the three objects with one deletion record; `settles`, when given, is when the deletion
 * becomes visible (store/propagation.ts).
 */
export function softDeleteMutation(name: string, deletion: Deletion, settles?: string): Mutation {
  const mutation = new Mutation('CertificateDelete');
  for (const kind of LINKED) {
    mutation
      .requireMember(rel.live(kind.id), name, true, { on: kind.id, failure: 'missing' })
      .zrem(rel.live(kind.id), name)
      .zadd(rel.deleted(kind.id), name)
      .hset(rel.object(kind.id, name), 'deleted', JSON.stringify(deletion));
    markSettling(mutation, rel.object(kind.id, name), settles);
  }
  return mutation;
}

/** Brings the three objects back from exactly this deletion; `settles` as for softDeleteMutation. */
export function recoverMutation(name: string, deletion: Deletion, settles?: string): Mutation {
  const mutation = new Mutation('CertificateRecover');
  for (const kind of LINKED) {
    mutation
      .requireFieldValue(rel.object(kind.id, name), 'deleted', JSON.stringify(deletion), {
        on: kind.id,
        failure: 'not-deleted',
      })
      .zrem(rel.deleted(kind.id), name)
      .zadd(rel.live(kind.id), name)
      .hdel(rel.object(kind.id, name), 'deleted');
    markSettling(mutation, rel.object(kind.id, name), settles);
  }
  return mutation;
}

/**
 * Removes the three objects for good, if they are still in exactly this deletion; `settles`, when given,
 * is when their names become free (store/purge-window.ts).
 */
export function purgeMutation(
  name: string,
  deletion: Deletion,
  operation: OperationName,
  settles?: string,
): Mutation {
  const mutation = new Mutation(operation);
  for (const kind of LINKED) {
    mutation
      .requireMember(rel.deleted(kind.id), name, true, { on: kind.id, failure: 'not-deleted' })
      .requireFieldValue(rel.object(kind.id, name), 'deleted', JSON.stringify(deletion), {
        on: kind.id,
        failure: 'not-deleted',
      })
      .del(rel.object(kind.id, name))
      .zrem(rel.deleted(kind.id), name);
    markPurge(mutation, kind, name, settles);
  }
  return mutation;
}

/** Every version of the three objects (a restore): refused when any of the names is in use. */
export function restoreMutation(
  name: string,
  head: string,
  versions: Record<ObjectKind['id'], Record<string, unknown>>,
  attachments: Record<string, unknown>,
): Mutation {
  const mutation = new Mutation('CertificateRestore');
  for (const kind of LINKED) {
    const object = rel.object(kind.id, name);
    mutation
      .requireMember(rel.live(kind.id), name, false, { on: kind.id, failure: 'exists' })
      .requireMember(rel.deleted(kind.id), name, false, { on: kind.id, failure: 'deleted' });
    requireNoPurgeMark(mutation, kind, name);
    for (const [version, doc] of Object.entries(versions[kind.id])) {
      mutation.hset(object, field.version(version), JSON.stringify(doc));
    }
    if (kind === CERTIFICATE) {
      for (const [slot, value] of Object.entries(attachments))
        mutation.hset(object, field.attachment(slot), JSON.stringify(value));
    }
    mutation.hset(object, 'head', head).zadd(rel.live(kind.id), name);
  }
  return mutation;
}

/**
 * Rewrites one version of the three objects in place, if the certificate's latest version is still
 * `version` and its operation still `before` (a delayed creation completing: delayed-issuance.ts).
 */
export function completeVersionMutation(
  name: string,
  version: string,
  docs: Record<ObjectKind['id'], unknown>,
  operation: { slot: string; before: unknown; after: unknown },
): Mutation {
  const mutation = replaceAttachmentMutation(
    name,
    operation.slot,
    operation.before,
    operation.after,
    'CertificateCreate',
  ).requireFieldValue(rel.object(CERTIFICATE.id, name), 'head', version, {
    on: 'certificate',
    failure: 'changed',
  });
  for (const kind of LINKED)
    mutation.hset(rel.object(kind.id, name), field.version(version), JSON.stringify(docs[kind.id]));
  return mutation;
}

/** Adds the writing of a certificate attachment to `mutation`. */
export function withAttachment(mutation: Mutation, name: string, slot: string, value: unknown): Mutation {
  return mutation.hset(rel.object(CERTIFICATE.id, name), field.attachment(slot), JSON.stringify(value));
}

/** Removes a certificate attachment if it still holds `current`. */
export function removeAttachmentMutation(
  name: string,
  slot: string,
  current: unknown,
  operation: OperationName,
): Mutation {
  return attachmentGuard(name, slot, current, operation).hdel(
    rel.object(CERTIFICATE.id, name),
    field.attachment(slot),
  );
}

/** Replaces a certificate attachment if it still holds `current`. */
export function replaceAttachmentMutation(
  name: string,
  slot: string,
  current: unknown,
  next: unknown,
  operation: OperationName,
): Mutation {
  return withAttachment(attachmentGuard(name, slot, current, operation), name, slot, next);
}

/** A mutation that goes on only while the certificate is live and its attachment still holds `current`. */
function attachmentGuard(name: string, slot: string, current: unknown, operation: OperationName): Mutation {
  return new Mutation(operation)
    .requireMember(rel.live(CERTIFICATE.id), name, true, { on: 'certificate', failure: 'missing' })
    .requireFieldValue(rel.object(CERTIFICATE.id, name), field.attachment(slot), JSON.stringify(current), {
      on: 'certificate',
      failure: 'changed',
    });
}

/** Commits a linked mutation, turning a failed guard into the error the real service gives. */
export async function commitLinked(
  committer: Committer,
  vault: string,
  name: string,
  mutation: Mutation,
  restoredHead?: string,
) {
  try {
    await committer.commit(vault, mutation);
  } catch (error) {
    if (!(error instanceof GuardFailedError)) throw error;
    throw guardError(error.reason, name, restoredHead);
  }
}

/** The service's error for a failed guard; `restoredHead` is a restore's latest version, its conflict names. */
function guardError(reason: GuardReason, name: string, restoredHead: string | undefined): Error {
  // The certificate's vault went away under it: the committer answers VaultNotFound before this.
  if (reason.on === 'vault')
    return new NotFoundError('CertificateNotFound', `Certificate ${name}: vault ${reason.failure}`);
  // Issuers and contacts are never part of a certificate's own mutations.
  if (reason.on === 'issuer' || reason.on === 'contacts') return new GuardFailedError(reason);
  const kind = OBJECT_KINDS[reason.on];
  switch (reason.failure) {
    case 'deleted':
      return objectIsDeleted(kind, name);
    case 'missing':
      return objectNotFound(CERTIFICATE, name);
    case 'not-deleted':
      return deletedObjectNotFound(CERTIFICATE, name);
    case 'exists':
      // Only a restore guards that the name is not live.
      return restoredHead === undefined
        ? new GuardFailedError(reason)
        : new RestoreConflictError(CERTIFICATE, name, restoredHead);
    case 'taken':
      return nameTaken(kind, name);
    case 'changed':
      return new LinkedChangedError(name);
    case 'purging':
      // Left as it is for commitPastPurgeWindow, which tells a purge in progress from a past one.
      return new GuardFailedError(reason);
  }
}

/** A key or secret of the certificate's name exists that no certificate manages (Key Vault FAQ: a conflict). */
export function nameTaken(kind: ObjectKind, name: string): ConflictError {
  return new ConflictError(
    `A ${kind.noun} with the name ${name} already exists and is not managed by a certificate; ` +
      `a certificate needs its name free for its managed key and secret.`,
  );
}
