import { randomBytes } from 'node:crypto';
import type { Clock } from '@vaultover/foundation';
import type { OperationName } from '../catalogue.ts';
import { ConflictError } from '../errors.ts';
import {
  deletedObjectNotFound,
  objectIsBeingDeleted,
  objectIsBeingDeletedNoReuse,
  objectIsDeleted,
  objectNotFound,
  purgeProtected,
  RestoreConflictError,
} from '../object-errors.ts';
import type { ObjectKind } from '../object-kind.ts';
import type { Committer } from './committer.ts';
import { GuardFailedError } from './committer.ts';
import { KeyedMutex } from './keyed-mutex.ts';
import { type GuardReason, Mutation, type ObjectGuardFailure } from './mutation.ts';
import { decodeSkipToken, encodeSkipToken, type Page, type PageRequest, pageSize } from './paging.ts';
import { isSettling, markSettling, type PropagationDelays, SETTLES_FIELD, settlesAt } from './propagation.ts';
import {
  commitPastPurgeWindow,
  markPurge,
  type PurgeWindowWrite,
  requireNoPurgeMark,
} from './purge-window.ts';
import type { VaultRedis } from './scripts.ts';
import { rel, vaultPrefix } from './vault-keys.ts';
import type { VaultRegistry } from './vault-registry.ts';

/** Attributes every object version has, in IntDate seconds as on the wire. */
export interface Attributes {
  enabled: boolean;
  nbf?: number | undefined;
  exp?: number | undefined;
  created: number;
  updated: number;
}

export interface VersionDoc {
  attributes: Attributes;
  tags?: Record<string, string> | undefined;
}

export interface ObjectVersion<T> {
  name: string;
  version: string;
  doc: T;
}

/** When an object was soft-deleted and when the service will purge it, in IntDate seconds. */
export interface Deletion {
  deletedDate: number;
  scheduledPurgeDate: number;
}

export interface DeletedObject<T> extends ObjectVersion<T> {
  deletion: Deletion;
}

/** Every version of one object, as carried by a backup. */
export interface ObjectExport<T> {
  head: string;
  versions: Record<string, T>;
  /** Side documents of the object by slot (see `attachment`); absent when it has none. */
  attachments?: Record<string, unknown> | undefined;
}

/** Told about soft deletions, so that the scheduled purge can be planned and cancelled. */
export interface DeletionListener {
  deleted(vault: string, kind: ObjectKind, name: string, deletion: Deletion): Promise<void>;
  recovered(vault: string, kind: ObjectKind, name: string, deletion: Deletion): Promise<void>;
}

export interface ObjectRepositoryDeps {
  redis: VaultRedis;
  committer: Committer;
  clock: Clock;
  vaults: VaultRegistry;
  deletions?: DeletionListener | undefined;
  /** How long deletes, recovers and purges take to show; none by default. */
  delays?: PropagationDelays | undefined;
}

const MAX_UPDATE_ATTEMPTS = 8;

/** An object's latest version and deletion state, read in one round trip (read-head.lua). */
interface HeadRead {
  head: string | null;
  doc: string | null;
  deletion: string | null;
  /** Whether its last delete or recover still propagates (propagation.ts). */
  settling: boolean;
}
const DAY_SECONDS = 86_400;
/** Hash-field prefix of attachments: `a:<slot>` beside `v:<version>`, `head` and `deleted`. */
const ATTACHMENT = 'a:';
const ATTACHMENT_SLOT = /^[a-z][a-z0-9-]{0,31}$/;

export function newVersionId(): string {
  return randomBytes(16).toString('hex');
}

/**
 * Versioned objects of one kind with soft delete, stored per vault (see vault-keys.ts for the layout).
 * Every change is one Mutation, so state and change log move together; reads are one round trip.
 */
export class ObjectRepository<T extends VersionDoc> {
  readonly kind: ObjectKind;
  readonly #deps: ObjectRepositoryDeps;
  readonly #writers = new KeyedMutex();

  constructor(kind: ObjectKind, deps: ObjectRepositoryDeps) {
    this.kind = kind;
    this.#deps = deps;
  }

  nowSeconds(): number {
    return Math.floor(this.#deps.clock.now() / 1000);
  }

  #objectKey(vault: string, name: string): string {
    return vaultPrefix(vault) + rel.object(this.kind.id, name);
  }

  async #readHead(vault: string, name: string): Promise<HeadRead> {
    const [head, doc, deletion, settles] = (await this.#deps.redis.vaultReadHead(
      this.#objectKey(vault, name),
    )) as [string | null, string | null, string | null, string | null];
    return { head, doc, deletion, settling: isSettling(settles, this.#deps.clock) };
  }

  /**
   * The `settles` moment of a delete or recover now (propagation.ts): with a delay, the object is in
   * neither place until then. Undefined without a delay, and nothing is written.
   */
  #settlesAt(): string | undefined {
    return settlesAt(this.#deps.clock, this.#deps.delays?.deleteRecoverMs);
  }

  /** Writes the object's `settles` moment into `mutation` when there is a delay. */
  #settle(mutation: Mutation, name: string): Mutation {
    return markSettling(mutation, rel.object(this.kind.id, name), this.#settlesAt());
  }

  /** The latest version of a live object; not found while its recovery propagates. */
  async latest(vault: string, name: string): Promise<ObjectVersion<T>> {
    const { head, doc, deletion, settling } = await this.#readHead(vault, name);
    if (!head || !doc || deletion || settling) throw objectNotFound(this.kind, name);
    return { name, version: head, doc: JSON.parse(doc) as T };
  }

  /** A given version of a live object; an empty version means the latest. */
  async version(vault: string, name: string, version: string | undefined): Promise<ObjectVersion<T>> {
    if (!version) return this.latest(vault, name);
    const [doc, deletion, settles] = await this.#deps.redis.hmget(
      this.#objectKey(vault, name),
      `v:${version}`,
      'deleted',
      SETTLES_FIELD,
    );
    if (!doc || deletion || isSettling(settles, this.#deps.clock))
      throw objectNotFound(this.kind, name, version);
    return { name, version, doc: JSON.parse(doc) as T };
  }

  /**
   * Adds a new version and makes it the latest. Refused while the name is soft-deleted, and while its
   * purge propagates with the real service's "… is currently being deleted and cannot be re-created;
   * retry later." (Azure/azure-sdk-for-net#34322, a set right after a purge).
   */
  async create(
    vault: string,
    name: string,
    build: (version: string) => T,
    operation: OperationName,
  ): Promise<ObjectVersion<T>> {
    await this.#deps.vaults.get(vault);
    const version = newVersionId();
    const doc = build(version);
    const object = rel.object(this.kind.id, name);
    const mutation = () =>
      requireNoPurgeMark(new Mutation(operation), this.kind, name)
        .requireMember(rel.deleted(this.kind.id), name, false, this.#because('deleted'))
        .hset(object, `v:${version}`, JSON.stringify(doc))
        .hset(object, 'head', version)
        .zadd(rel.live(this.kind.id), name);
    await this.commitPastPurgeWindow({
      vault,
      name,
      operation,
      commit: () => this.#commit(vault, name, mutation()),
      refused: (kind) => objectIsBeingDeletedNoReuse(kind, name),
    });
    return { name, version, doc };
  }

  /** A write of a name that may have been purged just now (purge-window.ts), with this repository's store. */
  commitPastPurgeWindow(write: PurgeWindowWrite): Promise<void> {
    return commitPastPurgeWindow(this.#deps, write);
  }

  /**
   * Changes one version (the latest when `version` is empty). Writers in this process queue per object;
   * the compare-and-set guard still protects against any other writer, with a few retries.
   */
  update(
    vault: string,
    name: string,
    version: string | undefined,
    change: (doc: T) => T,
    operation: OperationName,
  ): Promise<ObjectVersion<T>> {
    return this.#writers.run(`${vault}/${name}`, async () => {
      for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
        const current = await this.version(vault, name, version);
        const next = change(structuredClone(current.doc));
        const object = rel.object(this.kind.id, name);
        const field = `v:${current.version}`;
        const mutation = new Mutation(operation)
          .requireFieldValue(object, field, JSON.stringify(current.doc), this.#because('changed'))
          .requireField(object, 'deleted', false, this.#because('deleted'))
          .hset(object, field, JSON.stringify(next));
        try {
          await this.#commit(vault, name, mutation);
          return { ...current, doc: next };
        } catch (error) {
          if (!(error instanceof GuardFailedError && error.reason.failure === 'changed')) throw error;
        }
      }
      throw new ConflictError(
        `The ${this.kind.noun} ${name} kept changing under this update (other writers); retry the request.`,
      );
    });
  }

  /** Soft-deletes a live object for the vault's retention period. */
  async softDelete(vault: string, name: string, operation: OperationName): Promise<DeletedObject<T>> {
    const properties = await this.#deps.vaults.get(vault);
    const latest = await this.latest(vault, name);
    const deletedDate = this.nowSeconds();
    const deletion = {
      deletedDate,
      scheduledPurgeDate: deletedDate + properties.retentionDays * DAY_SECONDS,
    };
    const mutation = new Mutation(operation)
      .requireMember(rel.live(this.kind.id), name, true, this.#because('missing'))
      .zrem(rel.live(this.kind.id), name)
      .zadd(rel.deleted(this.kind.id), name)
      .hset(rel.object(this.kind.id, name), 'deleted', JSON.stringify(deletion));
    await this.#commit(vault, name, this.#settle(mutation, name));
    await this.#deps.deletions?.deleted(vault, this.kind, name, deletion);
    return { ...latest, deletion };
  }

  /** A soft-deleted object with its latest version; not found while its deletion propagates. */
  async deleted(vault: string, name: string): Promise<DeletedObject<T>> {
    return this.#deletedOf(name, await this.#readHead(vault, name));
  }

  #deletedOf(name: string, read: HeadRead): DeletedObject<T> {
    const { head, doc, deletion, settling } = read;
    if (!head || !doc || !deletion || settling) throw deletedObjectNotFound(this.kind, name);
    return { name, version: head, doc: JSON.parse(doc) as T, deletion: JSON.parse(deletion) as Deletion };
  }

  /**
   * A soft-deleted object to recover or purge: while its deletion propagates, the real service refuses
   * both with 409 "… is currently being deleted." (its GET answers 404 meanwhile).
   */
  async deletedToChange(vault: string, name: string): Promise<DeletedObject<T>> {
    const read = await this.#readHead(vault, name);
    if (read.head && read.doc && read.deletion && read.settling) throw objectIsBeingDeleted(this.kind);
    return this.#deletedOf(name, read);
  }

  /** Whether the object's last delete or recover is still propagating (propagation.ts). */
  async settling(vault: string, name: string): Promise<boolean> {
    const settles = await this.#deps.redis.hget(this.#objectKey(vault, name), SETTLES_FIELD);
    return isSettling(settles, this.#deps.clock);
  }

  /** Brings a soft-deleted object back, with all its versions. */
  async recover(vault: string, name: string, operation: OperationName): Promise<ObjectVersion<T>> {
    const deleted = await this.deletedToChange(vault, name);
    const mutation = new Mutation(operation)
      .requireMember(rel.deleted(this.kind.id), name, true, this.#because('missing'))
      .zrem(rel.deleted(this.kind.id), name)
      .zadd(rel.live(this.kind.id), name)
      .hdel(rel.object(this.kind.id, name), 'deleted');
    await this.#commit(vault, name, this.#settle(mutation, name));
    await this.#deps.deletions?.recovered(vault, this.kind, name, deleted.deletion);
    return { name, version: deleted.version, doc: deleted.doc };
  }

  /**
   * Removes a soft-deleted object for good. `expected` pins the deletion being purged, so that a
   * late scheduled purge cannot remove an object that was recovered and deleted again since.
   */
  async purge(vault: string, name: string, operation: OperationName, expected?: Deletion): Promise<void> {
    const properties = await this.#deps.vaults.get(vault);
    const { deletion } = await this.deletedToChange(vault, name);
    if (properties.purgeProtection && this.nowSeconds() < deletion.scheduledPurgeDate) throw purgeProtected();
    const object = rel.object(this.kind.id, name);
    const mutation = new Mutation(operation)
      .requireMember(rel.deleted(this.kind.id), name, true, this.#because('missing'))
      .requireFieldValue(
        object,
        'deleted',
        JSON.stringify(expected ?? deletion),
        this.#because('not-deleted'),
      )
      .del(object)
      .zrem(rel.deleted(this.kind.id), name);
    await this.#commit(vault, name, markPurge(mutation, this.kind, name, this.#settlesAt()));
  }

  /**
   * A side document of a live object (a key's rotation policy, a certificate's policy), or undefined
   * when none was set. It belongs to the object, not to a version: it survives new versions, soft
   * delete and recovery, goes with a purge, and travels in export/import (backups).
   */
  async attachment<A>(vault: string, name: string, slot: string): Promise<A | undefined> {
    const [head, deletion, settles, value] = await this.#deps.redis.hmget(
      this.#objectKey(vault, name),
      'head',
      'deleted',
      SETTLES_FIELD,
      ATTACHMENT + requireSlot(slot),
    );
    if (!head || deletion || isSettling(settles, this.#deps.clock)) throw objectNotFound(this.kind, name);
    return value ? (JSON.parse(value) as A) : undefined;
  }

  /**
   * A side document as stored, whatever the object's state: for the answer of a write that just made
   * the object invisible for a while (a recover with a propagation delay).
   */
  async storedAttachment<A>(vault: string, name: string, slot: string): Promise<A | undefined> {
    const value = await this.#deps.redis.hget(this.#objectKey(vault, name), ATTACHMENT + requireSlot(slot));
    return value ? (JSON.parse(value) as A) : undefined;
  }

  /** Sets a side document of a live object: one mutation, so the change log carries the whole document. */
  async setAttachment<A>(
    vault: string,
    name: string,
    slot: string,
    value: A,
    operation: OperationName,
  ): Promise<A> {
    const mutation = new Mutation(operation)
      .requireMember(rel.live(this.kind.id), name, true, this.#because('missing'))
      .hset(rel.object(this.kind.id, name), ATTACHMENT + requireSlot(slot), JSON.stringify(value));
    await this.#commit(vault, name, mutation);
    return value;
  }

  /**
   * A page of live objects (latest versions), in name order; without those whose recovery still
   * propagates (the live GET answers 404 for them).
   */
  listLive(vault: string, request: PageRequest): Promise<Page<ObjectVersion<T>>> {
    return this.#listIndex(vault, rel.live(this.kind.id), request, (item, _deletion, settling) =>
      settling ? undefined : item,
    );
  }

  /**
   * A page of soft-deleted objects, in name order; without those whose deletion still propagates,
   * unless `settling` asks for them too (planning their purges).
   */
  listDeleted(
    vault: string,
    request: PageRequest,
    options: { settling?: boolean } = {},
  ): Promise<Page<DeletedObject<T>>> {
    return this.#listIndex(vault, rel.deleted(this.kind.id), request, (item, deletion, settling) =>
      deletion && (options.settling || !settling) ? { ...item, deletion } : undefined,
    );
  }

  /**
   * A page of the versions of a live object, oldest first. An object that does not exist (never set,
   * soft-deleted, purged) has no versions: an empty page, as the real service answers, not a 404.
   */
  async listVersions(vault: string, name: string, request: PageRequest): Promise<Page<ObjectVersion<T>>> {
    await this.#deps.vaults.get(vault);
    const fields = await this.#deps.redis.hgetall(this.#objectKey(vault, name));
    const live =
      fields.head !== undefined &&
      fields.deleted === undefined &&
      !isSettling(fields[SETTLES_FIELD], this.#deps.clock);
    const versions = Object.entries(live ? exportOf<T>(fields).versions : {})
      .map(([version, doc]) => ({ name, version, doc }))
      .sort(
        (a, b) => a.doc.attributes.created - b.doc.attributes.created || a.version.localeCompare(b.version),
      );
    const offset = request.skipToken
      ? Number(decodeSkipToken<{ offset: number }>(request.skipToken, 'offset').offset)
      : 0;
    const size = pageSize(request);
    const items = versions.slice(offset, offset + size);
    const more = offset + size < versions.length;
    return { items, skipToken: more ? encodeSkipToken({ offset: offset + size }) : undefined };
  }

  /** Every version of a live object (for backup). */
  async export(vault: string, name: string): Promise<ObjectExport<T>> {
    const fields = await this.#deps.redis.hgetall(this.#objectKey(vault, name));
    if (!fields.head || fields.deleted || isSettling(fields[SETTLES_FIELD], this.#deps.clock))
      throw objectNotFound(this.kind, name);
    return exportOf<T>(fields);
  }

  /**
   * Recreates an object from an export; refused when the name is in use, live or deleted, and while its
   * purge propagates with the restore conflict the real service answers then (its recorded answer to
   * the SDK's restore test, which purges and restores at once).
   */
  async import(
    vault: string,
    name: string,
    object: ObjectExport<T>,
    operation: OperationName,
  ): Promise<ObjectVersion<T>> {
    await this.#deps.vaults.get(vault);
    const key = rel.object(this.kind.id, name);
    const mutation = () => {
      const writes = requireNoPurgeMark(new Mutation(operation), this.kind, name)
        .requireMember(rel.live(this.kind.id), name, false, this.#because('exists'))
        .requireMember(rel.deleted(this.kind.id), name, false, this.#because('deleted'));
      for (const [version, doc] of Object.entries(object.versions))
        writes.hset(key, `v:${version}`, JSON.stringify(doc));
      for (const [slot, value] of Object.entries(object.attachments ?? {}))
        writes.hset(key, ATTACHMENT + requireSlot(slot), JSON.stringify(value));
      return writes.hset(key, 'head', object.head).zadd(rel.live(this.kind.id), name);
    };
    await this.commitPastPurgeWindow({
      vault,
      name,
      operation,
      commit: () => this.#commit(vault, name, mutation(), object.head),
      refused: (kind) => new RestoreConflictError(kind, name, object.head),
    });
    const head = object.versions[object.head];
    if (!head) throw new Error(`export of ${name} has no document for its head version`);
    return { name, version: object.head, doc: head };
  }

  async #listIndex<R>(
    vault: string,
    index: string,
    request: PageRequest,
    shape: (item: ObjectVersion<T>, deletion: Deletion | undefined, settling: boolean) => R | undefined,
  ): Promise<Page<R>> {
    await this.#deps.vaults.get(vault);
    const prefix = vaultPrefix(vault);
    const after = request.skipToken
      ? decodeSkipToken<{ after: string }>(request.skipToken, 'after').after
      : undefined;
    const size = pageSize(request);
    const names = await this.#deps.redis.zrangebylex(
      prefix + index,
      after ? `(${after}` : '-',
      '+',
      'LIMIT',
      0,
      size + 1,
    );
    const pageNames = names.slice(0, size);
    const items: R[] = [];
    if (pageNames.length > 0) {
      const keys = pageNames.map((n) => this.#objectKey(vault, n));
      const flat = (await this.#deps.redis.vaultReadHeads(keys.length, ...keys)) as (string | null)[];
      pageNames.forEach((name, i) => {
        const [head, doc, deletion, settles] = flat.slice(i * 4, i * 4 + 4);
        if (!head || !doc) return; // purged between the two reads
        const item = shape(
          { name, version: head, doc: JSON.parse(doc) as T },
          deletion ? JSON.parse(deletion) : undefined,
          isSettling(settles, this.#deps.clock),
        );
        if (item) items.push(item);
      });
    }
    const last = pageNames.at(-1);
    return { items, skipToken: names.length > size && last ? encodeSkipToken({ after: last }) : undefined };
  }

  /**
   * The 409 of a new version of a soft-deleted name: the real service says "being deleted" while the
   * deletion propagates, "deleted but recoverable" after.
   */
  async deletedConflict(vault: string, name: string): Promise<Error> {
    return (await this.settling(vault, name))
      ? objectIsBeingDeletedNoReuse(this.kind, name)
      : objectIsDeleted(this.kind, name);
  }

  /** The reason of a guard on an object of this repository's kind. */
  #because(failure: ObjectGuardFailure): GuardReason {
    return { on: this.kind.id, failure };
  }

  /** Commits `mutation`; `restoredHead` is the head version of an import (a restore), named by its conflict. */
  async #commit(vault: string, name: string, mutation: Mutation, restoredHead?: string): Promise<void> {
    try {
      await this.#deps.committer.commit(vault, mutation);
    } catch (error) {
      if (!(error instanceof GuardFailedError)) throw error;
      if (error.reason.failure === 'deleted') throw await this.deletedConflict(vault, name);
      if (error.reason.failure === 'exists' && restoredHead !== undefined)
        throw new RestoreConflictError(this.kind, name, restoredHead);
      if (error.reason.failure === 'missing') throw objectNotFound(this.kind, name);
      if (error.reason.failure === 'not-deleted') throw deletedObjectNotFound(this.kind, name);
      throw error;
    }
  }
}

/** The export held by the hash fields of a live object (`head` present). */
function exportOf<T>(fields: Record<string, string>): ObjectExport<T> {
  const versions: Record<string, T> = {};
  const attachments: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(fields)) {
    if (field.startsWith('v:')) versions[field.slice(2)] = JSON.parse(value) as T;
    else if (field.startsWith(ATTACHMENT)) attachments[field.slice(ATTACHMENT.length)] = JSON.parse(value);
  }
  const head = fields.head ?? '';
  return Object.keys(attachments).length > 0 ? { head, versions, attachments } : { head, versions };
}

/** Slots are fixed names chosen by the code (`rotation-policy`), never user input: a bad one is a bug. */
function requireSlot(slot: string): string {
  if (!ATTACHMENT_SLOT.test(slot)) throw new Error(`invalid attachment slot ${JSON.stringify(slot)}`);
  return slot;
}
