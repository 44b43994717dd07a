import { type Clock, systemClock } from '@vaultover/foundation';
import type { Redis } from 'ioredis';

/** Options of a Replicator. */
export interface ReplicatorOptions {
  /** This (secondary) region's name: in status, metrics and the acknowledgement keys on the primary. */
  region: string;
  /**
   * Creates a new client of the primary's Redis (under `vaultover up`, through the link proxy in front of
   * it). Called for each of the replicator's two connections (blocking reads of the change notices;
   * commands) and again whenever one is dropped after a failure, so it must return a fresh client each
   * time. The replicator disconnects clients it drops. Give it `enableAutoPipelining`: the replicator
   * sends one command per vault, in one tick, and counts on the client to send them in one write.
   */
  primary: () => Redis;
  /** The secondary's own Redis. */
  secondary: Redis;
  /** Entries of one vault read and applied at once. Default 512. */
  batchSize?: number;
  /** How long a read of the change notices blocks when nothing is to do (XREAD BLOCK). Default 1000. */
  blockMs?: number;
  /**
   * How often every vault's position is read again, besides after each connection: a safety net for
   * entries that have no notice (written by hand, or whose notice was trimmed before it was read).
   * Default 30000.
   */
  sweepMs?: number;
  /** Slack beyond blockMs before a read is declared hung (partition) and its connection dropped. Default 2000. */
  readTimeoutMs?: number;
  /**
   * Deadline of any other primary command. A command lost in a partition hangs until then, after the
   * link heals too, so it bounds how long replication takes to resume. Default 2000.
   */
  commandTimeoutMs?: number;
  /**
   * Deadline of each step of a full resync on the primary: the page of keys it reads at once may hold
   * a key of many megabytes (a vault's index of a million names). A partition during a resync is
   * noticed within it. Default 30000.
   */
  resyncStepTimeoutMs?: number;
  /** First back-off after a link failure, doubled up to maxBackoffMs. Default 100. */
  backoffMs?: number;
  /** Default 2000. */
  maxBackoffMs?: number;
  clock?: Clock;
}

/** The options with every default applied. */
export type ResolvedReplicatorOptions = Required<ReplicatorOptions>;

/** The defaults, defined once. */
export const REPLICATOR_DEFAULTS = {
  batchSize: 512,
  blockMs: 1000,
  sweepMs: 30_000,
  readTimeoutMs: 2000,
  commandTimeoutMs: 2000,
  resyncStepTimeoutMs: 30_000,
  backoffMs: 100,
  maxBackoffMs: 2000,
  clock: systemClock,
} as const;

/** Applies the defaults. */
export function resolveOptions(options: ReplicatorOptions): ResolvedReplicatorOptions {
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  return { ...REPLICATOR_DEFAULTS, ...defined } as ResolvedReplicatorOptions;
}
