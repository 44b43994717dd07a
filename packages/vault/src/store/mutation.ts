import { randomUUID } from 'node:crypto';
import type { OperationName } from '../catalogue.ts';
import type { ObjectKind } from '../object-kind.ts';

/**
 * One atomic change to a vault: guards that must hold, then primitive writes, then one change entry.
 * Built in TypeScript, executed by lua/commit.lua in a single round trip. The ops carry the
 * resulting state (whole documents, not deltas), so applying an entry twice is harmless.
 */
export type Guard =
  | readonly ['hexists', number, string, boolean]
  | readonly ['heq', number, string, string]
  | readonly ['zmember', number, string, boolean];

export type Op =
  | readonly ['hset', number, string, string]
  | readonly ['hdel', number, string]
  | readonly ['del', number]
  | readonly ['zadd', number, string]
  | readonly ['zrem', number, string]
  | readonly ['set', number, string];

/** What a failed guard on an object means: the caller answers with the service's error for it. */
export type ObjectGuardFailure =
  | 'missing'
  | 'exists'
  | 'deleted'
  | 'not-deleted'
  | 'changed'
  | 'taken'
  /** The name was purged and the purge still propagates, or did (store/purge-window.ts). */
  | 'purging';

/** What a failed guard on the vault itself means. */
export type VaultGuardFailure = 'gone' | 'exists' | 'changed' | 'not-deleted';

/**
 * Why a guard exists, so that its failure maps to the right error: what it is on (the vault, an object
 * of a kind: a certificate's mutations guard its key and secret too; or a certificate setting) and what
 * failing means.
 */
export type GuardReason =
  | { readonly on: 'vault'; readonly failure: VaultGuardFailure }
  | { readonly on: ObjectKind['id']; readonly failure: ObjectGuardFailure }
  | { readonly on: CertificateSetting; readonly failure: 'changed' };

/** The vault-wide certificate settings, each one document: certificate issuers, certificate contacts. */
export type CertificateSetting = 'issuer' | 'contacts';

export class Mutation {
  /** The catalogue operation, written into the change entry. */
  readonly operation: OperationName;
  /**
   * The commit's idempotency key: the same mutation committed again (ioredis re-sending it after a
   * dropped connection, or a caller retrying it) answers the first run's result instead of running twice.
   */
  readonly id: string = randomUUID();
  readonly keys: string[] = [];
  readonly guards: Guard[] = [];
  readonly ops: Op[] = [];
  /** Why each guard exists, so that a failed guard maps to the right error. */
  readonly reasons: GuardReason[] = [];

  constructor(operation: OperationName) {
    this.operation = operation;
  }

  #key(relativeName: string): number {
    const index = this.keys.indexOf(relativeName);
    if (index >= 0) return index;
    this.keys.push(relativeName);
    return this.keys.length - 1;
  }

  #guard(guard: Guard, reason: GuardReason): this {
    this.guards.push(guard);
    this.reasons.push(reason);
    return this;
  }

  /** Requires hash field `field` of `key` to exist (or not). */
  requireField(key: string, field: string, exists: boolean, reason: GuardReason): this {
    return this.#guard(['hexists', this.#key(key), field, exists], reason);
  }

  /** Requires hash field `field` of `key` to hold exactly `value` (compare-and-set). */
  requireFieldValue(key: string, field: string, value: string, reason: GuardReason): this {
    return this.#guard(['heq', this.#key(key), field, value], reason);
  }

  /** Requires `member` to be (or not be) in sorted set `key`. */
  requireMember(key: string, member: string, isMember: boolean, reason: GuardReason): this {
    return this.#guard(['zmember', this.#key(key), member, isMember], reason);
  }

  hset(key: string, field: string, value: string): this {
    this.ops.push(['hset', this.#key(key), field, value]);
    return this;
  }

  hdel(key: string, field: string): this {
    this.ops.push(['hdel', this.#key(key), field]);
    return this;
  }

  del(key: string): this {
    this.ops.push(['del', this.#key(key)]);
    return this;
  }

  zadd(key: string, member: string): this {
    this.ops.push(['zadd', this.#key(key), member]);
    return this;
  }

  zrem(key: string, member: string): this {
    this.ops.push(['zrem', this.#key(key), member]);
    return this;
  }

  set(key: string, value: string): this {
    this.ops.push(['set', this.#key(key), value]);
    return this;
  }
}
