import { unmanagedDeleted, unmanagedLatest, withoutManaged } from '../certificates/managed-guard.ts';
import { requireObjectName } from '../validation.ts';
import type { DeletedObject, ObjectRepository, ObjectVersion, VersionDoc } from './object-repository.ts';
import type { Page, PageRequest } from './paging.ts';

/**
 * The soft-delete lifecycle of keys and secrets as their own APIs offer it: delete, read deleted,
 * recover and purge, refusing the objects a certificate manages (those move with their certificate).
 * Operation names follow the kind: `KeyDelete`, `SecretRecover`, …
 */
export class StandaloneLifecycle<T extends VersionDoc & { managed?: boolean | undefined }> {
  protected readonly repository: ObjectRepository<T>;

  constructor(repository: ObjectRepository<T>) {
    this.repository = repository;
  }

  async delete(vault: string, name: string): Promise<DeletedObject<T>> {
    await unmanagedLatest(this.repository, vault, requireObjectName(name), 'delete');
    return this.repository.softDelete(vault, name, `${this.repository.kind.title}Delete`);
  }

  async getDeleted(vault: string, name: string): Promise<DeletedObject<T>> {
    return this.repository.deleted(vault, requireObjectName(name));
  }

  /** Deleted objects, without those of deleted certificates (listed as certificates only). */
  async listDeleted(vault: string, page: PageRequest): Promise<Page<DeletedObject<T>>> {
    return withoutManaged(await this.repository.listDeleted(vault, page));
  }

  async recover(vault: string, name: string): Promise<ObjectVersion<T>> {
    await unmanagedDeleted(this.repository, vault, requireObjectName(name), 'recover');
    return this.repository.recover(vault, name, `${this.repository.kind.title}Recover`);
  }

  async purge(vault: string, name: string): Promise<void> {
    await unmanagedDeleted(this.repository, vault, requireObjectName(name), 'purge');
    return this.repository.purge(vault, name, `${this.repository.kind.title}Purge`);
  }
}
