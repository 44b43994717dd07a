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

export function objectAlreadyExists(kind: ObjectKind, name: string): ConflictError {
  return new ConflictError(
    `A ${kind.noun} with the name ${name} already exists in this key vault; restore needs a name that is not in use.`,
    'ObjectAlreadyExists',
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
