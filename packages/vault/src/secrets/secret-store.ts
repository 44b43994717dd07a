import { refuseManaged, unmanagedDoc } from '../certificates/managed-guard.ts';
import type { Sealer } from '../crypto/sealer.ts';
import { objectDisabled } from '../object-errors.ts';
import { newAttributes, patchAttributes, restoreInput } from '../object-input.ts';
import { SECRET } from '../object-kind.ts';
import { decodeBackup, encodeBackup } from '../store/backup-blob.ts';
import type {
  DeletedObject,
  ObjectRepository,
  ObjectVersion,
  VersionDoc,
} from '../store/object-repository.ts';
import type { Page, PageRequest } from '../store/paging.ts';
import { StandaloneLifecycle } from '../store/standalone-lifecycle.ts';
import { parseInput, requireObjectName } from '../validation.ts';
import { secretSetInput, secretUpdateInput } from './secret-input.ts';

/** A stored secret version. `value` is sealed (AES-256-GCM); it is opened only for `get`. */
export interface SecretDoc extends VersionDoc {
  value: string;
  contentType?: string | undefined;
  /** Set for secrets that back a certificate. */
  managed?: boolean | undefined;
  kid?: string | undefined;
  /**
   * A certificate's secret: the version of the certificate before this one (the head when this version
   * was made). Recorded at creation, as the real service does for certificates made after June 2025;
   * the wire shows it from api-version 2025-07-01.
   */
  previousVersion?: string | undefined;
}

export type SecretVersion = ObjectVersion<SecretDoc>;
/** A secret version with its value in the clear, as `get` returns it. */
export type OpenSecret = SecretVersion & { value: string };
export type DeletedSecret = DeletedObject<SecretDoc>;

/**
 * The secrets of every vault in a region: validation, sealing of values, and the service's rules,
 * over the generic versioned object repository.
 */
export class SecretStore extends StandaloneLifecycle<SecretDoc> {
  readonly #sealer: Sealer;

  constructor(repository: ObjectRepository<SecretDoc>, sealer: Sealer) {
    super(repository);
    this.#sealer = sealer;
  }

  async set(vault: string, name: string, body: unknown): Promise<SecretVersion> {
    requireObjectName(name);
    const input = parseInput(secretSetInput, body, 'secret');
    const now = this.repository.nowSeconds();
    return this.repository.create(
      vault,
      name,
      (version) => ({
        value: this.#sealer.seal(input.value, valueContext(vault, name, version)),
        contentType: input.contentType,
        tags: input.tags,
        attributes: newAttributes(input.attributes, now),
      }),
      'SecretSet',
    );
  }

  /** The value and properties of a version (latest when empty). A disabled secret is refused, as in the real service. */
  async get(vault: string, name: string, version?: string): Promise<OpenSecret> {
    const secret = await this.repository.version(vault, requireObjectName(name), version);
    if (!secret.doc.attributes.enabled) throw objectDisabled(SECRET, 'get');
    return {
      ...secret,
      value: this.#sealer.openText(secret.doc.value, valueContext(vault, name, secret.version)),
    };
  }

  async list(vault: string, page: PageRequest): Promise<Page<SecretVersion>> {
    return this.repository.listLive(vault, page);
  }

  async listVersions(vault: string, name: string, page: PageRequest): Promise<Page<SecretVersion>> {
    return this.repository.listVersions(vault, requireObjectName(name), page);
  }

  async updateProperties(
    vault: string,
    name: string,
    version: string | undefined,
    body: unknown,
  ): Promise<SecretVersion> {
    requireObjectName(name);
    const input = parseInput(secretUpdateInput, body, 'secret properties');
    const now = this.repository.nowSeconds();
    return this.repository.update(
      vault,
      name,
      version,
      (doc) => ({
        ...unmanagedDoc(SECRET, name, doc, 'update'),
        contentType: input.contentType ?? doc.contentType,
        tags: input.tags ?? doc.tags,
        attributes: patchAttributes(doc.attributes, input.attributes, now),
      }),
      'SecretUpdate',
    );
  }

  /** An opaque, encrypted blob holding every version of the secret. */
  async backup(vault: string, name: string): Promise<Buffer> {
    const exported = await this.repository.export(vault, requireObjectName(name));
    const head = exported.versions[exported.head];
    if (head) refuseManaged(SECRET, name, head, 'backup');
    const versions: Record<string, SecretDoc> = {};
    for (const [version, doc] of Object.entries(exported.versions)) {
      versions[version] = {
        ...doc,
        value: this.#sealer.openText(doc.value, valueContext(vault, name, version)),
      };
    }
    return encodeBackup(this.#sealer, { kind: SECRET.id, name, head: exported.head, versions });
  }

  /** Restores a backup into `vault` under its original name; 409 when that name is in use. */
  async restore(vault: string, body: unknown): Promise<SecretVersion> {
    const input = parseInput(restoreInput, body, 'restore request');
    const contents = decodeBackup<SecretDoc>(this.#sealer, SECRET.id, Buffer.from(input.value, 'base64url'));
    const versions: Record<string, SecretDoc> = {};
    for (const [version, doc] of Object.entries(contents.versions)) {
      versions[version] = {
        ...doc,
        value: this.#sealer.seal(doc.value, valueContext(vault, contents.name, version)),
      };
    }
    return this.repository.import(vault, contents.name, { head: contents.head, versions }, 'SecretRestore');
  }
}

/** Binds a sealed value to its place, so a value copied into another object does not open. */
export function valueContext(vault: string, name: string, version: string): string {
  return `${vault}/secret/${name}/${version}`;
}
