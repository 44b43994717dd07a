/**
 * One operation of a history, as the client that made it saw it: invoked at one time, completed at
 * another with `ok`, `fail` (the service said no: nothing happened) or `unknown` (no answer: a timeout, a
 * reset; it may or may not have happened).
 */
export interface Operation {
  /** Unique within the history. */
  readonly id: number;
  /** The client that made it: its operations never overlap. */
  readonly process: string;
  readonly kind: OperationKind;
  /** The object: a secret's name (a key's, for `crypto`). */
  readonly key: string;
  /**
   * A write: the value it wrote (unique in the history). A read that succeeded: the value it read
   * (undefined when it found no such object). A
   * `crypto` round trip: the plaintext it encrypted.
   */
  readonly value?: string | undefined;
  /** A write that succeeded: the version it created. */
  readonly version?: string | undefined;
  /** A `list` that succeeded: every version of the object it listed. */
  readonly versions?: readonly string[] | undefined;
  /** A `crypto` round trip that succeeded: what decrypting the ciphertext gave back. */
  readonly result?: string | undefined;
  /** Milliseconds on one monotonic clock. */
  readonly invokedAt: number;
  /** Undefined for `unknown`: the client never learnt when (or whether) it took effect. */
  readonly completedAt?: number | undefined;
  readonly outcome: 'ok' | 'fail' | 'unknown';
  /** The region that answered (`x-ms-keyvault-region`), when an answer came. */
  readonly region?: string | undefined;
  /** The routing epoch the answer was given under (`x-vaultover-epoch`), when known. */
  readonly epoch?: number | undefined;
}

/**
 * `write` sets a new version, `read` gets the latest, `list` lists the versions; `delete` and `recover`
 * soft-delete and bring back an object (changes the final state cannot show, so only counted);
 * `crypto` encrypts with a key and decrypts the result.
 */
export type OperationKind = 'write' | 'read' | 'list' | 'delete' | 'recover' | 'crypto';

/** Kinds that change the vault: a failover may lose them, and the RPO counts them. */
export const CHANGE_KINDS: ReadonlySet<OperationKind> = new Set(['write', 'delete', 'recover']);

/** Something a history shows that the guarantees (docs/reliability.md) rule out. */
export interface Anomaly {
  readonly check: CheckName;
  /** What was seen, for a human: the operations' ids, keys, values and regions. */
  readonly detail: string;
  readonly operations: readonly number[];
}

export type CheckName =
  | 'phantom-read'
  | 'stale-read'
  | 'split-brain'
  | 'lost-write'
  | 'rpo-mismatch'
  | 'duplicated-unknown'
  | 'applied-failure'
  | 'shrinking-versions'
  | 'crypto-mismatch';
