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
  readonly kind: 'write' | 'read';
  /** The object: a secret's name. */
  readonly key: string;
  /** A write: the value it wrote (unique in the history). A read that succeeded: the value it read. */
  readonly value?: string | undefined;
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
  | 'duplicated-unknown';
