import type { ObjectKind } from '../object-kind.ts';
import type {
  DeletedObject,
  ObjectRepository,
  ObjectVersion,
  VersionDoc,
} from '../store/object-repository.ts';
import type { Page } from '../store/paging.ts';
import { managedObjectRefused } from './certificate-errors.ts';

// What the keys and secrets APIs may not do to the key and secret a certificate manages: change,
// delete, recover, purge or back them up on their own. Reads stay allowed, as in the real service.

type ManagedDoc = VersionDoc & { managed?: boolean | undefined };

/** Throws when `doc` belongs to a certificate. */
export function refuseManaged(kind: ObjectKind, name: string, doc: ManagedDoc, operation: string): void {
  if (doc.managed) throw managedObjectRefused(kind, name, operation);
}

/** `doc`, once it is known not to be managed (for use inside an update's change function). */
export function unmanagedDoc<T extends ManagedDoc>(
  kind: ObjectKind,
  name: string,
  doc: T,
  operation: string,
): T {
  refuseManaged(kind, name, doc, operation);
  return doc;
}

/** The latest version of a live object, once it is known not to be managed. */
export async function unmanagedLatest<T extends ManagedDoc>(
  repository: ObjectRepository<T>,
  vault: string,
  name: string,
  operation: string,
): Promise<ObjectVersion<T>> {
  const latest = await repository.latest(vault, name);
  refuseManaged(repository.kind, name, latest.doc, operation);
  return latest;
}

/** A soft-deleted object to recover or purge, once it is known not to be managed. */
export async function unmanagedDeleted<T extends ManagedDoc>(
  repository: ObjectRepository<T>,
  vault: string,
  name: string,
  operation: string,
): Promise<DeletedObject<T>> {
  const deleted = await repository.deletedToChange(vault, name);
  refuseManaged(repository.kind, name, deleted.doc, operation);
  return deleted;
}

/** A page of deleted objects without the managed ones: the real service lists them only as certificates. */
export function withoutManaged<T extends ManagedDoc>(page: Page<DeletedObject<T>>): Page<DeletedObject<T>> {
  return { ...page, items: page.items.filter((item) => !item.doc.managed) };
}
