import { ConflictError, ForbiddenError, NotFoundError } from './errors.ts';
import type { ObjectKind } from './object-kind.ts';

// The real service's wording for errors about objects, in one place (see docs/vault-api.md#errors).
const RECOVERY_HELP =
  'If you recently deleted this {noun} you may be able to recover it using the correct recovery command. ' +
  'For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182';

export function objectNotFound(kind: ObjectKind, name: string, version?: string): NotFoundError {
  const id = version ? `${name}/${version}` : name;
  const help = RECOVERY_HELP.replace('{noun}', kind.noun);
  return new NotFoundError(
    `${kind.title}NotFound`,
    `A ${kind.noun} with (name/id) ${id} was not found in this key vault. ${help}`,
  );
}

export function deletedObjectNotFound(kind: ObjectKind, name: string): NotFoundError {
  return new NotFoundError(`${kind.title}NotFound`, `Deleted ${kind.title} not found: ${name}`);
}

export function objectIsDeleted(kind: ObjectKind, name: string): ConflictError {
  return new ConflictError(
    `${kind.title} ${name} is currently in a deleted but recoverable state, and its name cannot be reused; ` +
      `in this state, the ${kind.noun} can only be recovered or purged.`,
    'ObjectIsDeletedButRecoverable',
  );
}

/**
 * A restore over a name in use, in the real service's words (recorded by the Azure SDK for JS's tests of
 * secrets and keys, without an innererror). They name the object by its full id, which only the request
 * knows the origin of: the data plane answers `at(origin)` of this error.
 */
export class RestoreConflictError extends ConflictError {
  readonly #kind: ObjectKind;
  readonly #path: string;

  constructor(kind: ObjectKind, name: string, version: string) {
    const path = `/${kind.collection}/${name}/${version}`;
    super(restoreConflictMessage(kind, path));
    this.#kind = kind;
    this.#path = path;
  }

  /** The error as answered to a request on `origin` (`https://host:port`). */
  at(origin: string): ConflictError {
    return new ConflictError(restoreConflictMessage(this.#kind, `${origin}${this.#path}`));
  }
}

function restoreConflictMessage(kind: ObjectKind, id: string): string {
  const noun = kind.noun;
  return (
    `There was a conflict restoring the ${noun} '${id}'. This can happen if either: a second ${noun} with the ` +
    `same name was created after the first ${noun} was deleted; thus trying to restore a ${noun} whose name is ` +
    `already in use. To fix this, rename the second ${noun} to something else so that the restore works. The ` +
    `second probable cause of this exception is when multiple operations are performed in parallel against the ` +
    `${noun}. To avoid this error, perform operations against a ${noun} in a sequential manner.`
  );
}

export function objectDisabled(kind: ObjectKind, operation: string): ForbiddenError {
  return new ForbiddenError(
    `Operation ${operation} is not allowed on a disabled ${kind.noun}.`,
    `${kind.title}Disabled`,
  );
}

export function purgeProtected(): ForbiddenError {
  return new ForbiddenError(
    'Operation "purge" is not allowed because purge protection is enabled for this vault. ' +
      'Key Vault service will automatically purge it after the retention period has passed.',
  );
}

/** Purge or recover while a deletion is still spreading through the service (the real text). */
export function objectIsBeingDeleted(kind: ObjectKind): ConflictError {
  return new ConflictError(`${kind.title} is currently being deleted.`, 'ObjectIsBeingDeleted');
}

/** A new version of a name whose deletion is still spreading through the service (the real text). */
export function objectIsBeingDeletedNoReuse(kind: ObjectKind, name: string): ConflictError {
  return new ConflictError(
    `${kind.title} ${name} is currently being deleted and cannot be re-created; retry later.`,
    'ObjectIsBeingDeleted',
  );
}
