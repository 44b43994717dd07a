import { type Clock, CodedError, redisReplyCode } from '@vaultover/foundation';
import { ServiceUnavailableError } from '../errors.ts';
import { vaultNotFound } from '../vaults/vault-errors.ts';
import { VAULT_GONE, withLiveVaultGuard } from './live-vault-guard.ts';
import type { GuardReason, Mutation } from './mutation.ts';
import { type VaultRedis, vaultPipeline } from './scripts.ts';
import { CHANGE_NOTICES_KEY, commitResultKey, logKeys, vaultPrefix } from './vault-keys.ts';

/** Version of the change-entry format written to the streams; readers refuse versions they do not know. */
export const CHANGE_FORMAT = '1';

/** Thrown when a guard of a mutation does not hold: the state changed under the caller, or a rule forbids it. */
export class GuardFailedError extends CodedError {
  readonly code = 'GuardFailed';
  readonly reason: GuardReason;
  constructor(reason: GuardReason) {
    super(`guard failed: ${reason.on} ${reason.failure}`);
    this.reason = reason;
  }
}

/** The codes commit.lua's error replies start with: the mutation holds an op or a guard the script does not know. */
const COMMIT_SCRIPT_CODES = ['UnknownOp', 'UnknownGuard'] as const;
export type CommitScriptErrorCode = (typeof COMMIT_SCRIPT_CODES)[number];

/**
 * The commit script refused a mutation it cannot read (mutation.ts and lua/commit.lua disagree on the
 * ops or guards there are): a bug, not a state of the vault. Nothing was written.
 */
export class CommitScriptError extends CodedError<CommitScriptErrorCode> {
  readonly code: CommitScriptErrorCode;
  constructor(code: CommitScriptErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/** The CommitScriptError of an error reply of the commit script, from its code word; else `error` itself. */
export function commitScriptError(error: unknown): unknown {
  const code = redisReplyCode(error, COMMIT_SCRIPT_CODES);
  return code === undefined ? error : new CommitScriptError(code, (error as Error).message, { cause: error });
}

export interface CommitterOptions {
  /** Approximate cap on a change stream's length, so that a stream can never fill memory. Default 1,000,000. */
  streamCap?: number;
  /**
   * How long a commit's result is kept under its idempotency key, in ms. It must outlast a reconnection
   * (ioredis re-sends then: `connectTimeout` and its retry delay, a few seconds) and a caller's retry.
   * Default 30,000.
   */
  idempotencyWindowMs?: number;
  /**
   * Approximate cap on the region's change notices (CHANGE_NOTICES_KEY). A replicator reads them as they
   * come and sweeps every position after each reconnection (and every sweepMs), so it only needs the
   * notices of the moments it is connected: 20,000 is 20 s of writes at a thousand a second. A notice
   * written by the commit script carries its entry (a few hundred bytes), so the cap is also what they
   * may hold of the primary's memory. Default 20,000.
   */
  noticesCap?: number;
  /**
   * Acknowledge a commit only once this many replicas of the master that ran it hold it too (`WAIT`, in
   * the same pipeline, so on the same node and connection), within `timeoutMs`; a commit they did not
   * confirm in time is refused with a 503 (it stands, unacknowledged). For a Redis Cluster, whose
   * replication to a master's replica is asynchronous: without it, a master's crash loses what it
   * acknowledged and had not yet sent (docs/architecture.md, "Redis Cluster"). Default: none.
   */
  replicaAcks?: { replicas: number; timeoutMs: number };
}

type CommitReply = [ok: number, value: number];

/** Executes mutations: one Lua call that checks guards, writes state and appends the change entry. */
export class Committer {
  readonly #redis: VaultRedis;
  readonly #clock: Clock;
  readonly #streamCap: number;
  readonly #idempotencyWindowMs: number;
  readonly #noticesCap: number;
  readonly #replicaAcks: CommitterOptions['replicaAcks'];

  constructor(redis: VaultRedis, clock: Clock, options: CommitterOptions = {}) {
    this.#redis = redis;
    this.#clock = clock;
    this.#streamCap = options.streamCap ?? 1_000_000;
    this.#idempotencyWindowMs = options.idempotencyWindowMs ?? 30_000;
    this.#noticesCap = options.noticesCap ?? 20_000;
    this.#replicaAcks = options.replicaAcks;
  }

  /**
   * Commits `mutation` to `vault`; returns the change position, or throws GuardFailedError. A change to
   * the vault's contents is refused with VaultNotFound when the vault is gone or soft-deleted; a
   * mutation the script cannot read with CommitScriptError. The same mutation committed again within
   * the idempotency window (by ioredis re-sending it, or by the caller) returns the first position and
   * writes nothing.
   */
  async commit(vault: string, mutation: Mutation): Promise<number> {
    const prefix = vaultPrefix(vault);
    const log = logKeys(vault);
    const plan = withLiveVaultGuard(mutation);
    // On a Redis Cluster the notices are in another slot than the vault: the script cannot write them.
    const noticeHere = !this.#redis.isCluster;
    const time = String(this.#clock.now());
    const args: [number, ...string[]] = [
      3 + plan.keys.length + (noticeHere ? 1 : 0),
      log.stream,
      log.position,
      commitResultKey(vault, mutation.id),
      ...plan.keys.map((k) => prefix + k),
      ...(noticeHere ? [CHANGE_NOTICES_KEY] : []),
      CHANGE_FORMAT,
      mutation.operation,
      time,
      JSON.stringify(plan.guards),
      JSON.stringify(plan.keys),
      JSON.stringify(mutation.ops),
      String(this.#streamCap),
      String(this.#idempotencyWindowMs),
      noticeHere ? vault : '',
      String(this.#noticesCap),
    ];
    const [ok, value] = await (this.#replicaAcks
      ? this.#commitReplicated(args, this.#replicaAcks)
      : (this.#redis.vaultCommit(...args) as Promise<CommitReply>)
    ).catch((error: unknown) => {
      throw commitScriptError(error);
    });
    if (ok === 1) {
      // Before the write is acknowledged, so that every acknowledged write has its notice; a repeat of
      // the commit (a lost reply, sent again) writes the notice again, which costs a reader nothing.
      if (!noticeHere) await this.#note(vault, value, time);
      return value;
    }
    const reason = plan.reasons[value - 1];
    if (reason === undefined)
      throw new CommitScriptError(
        'UnknownGuard',
        `the commit script names guard ${value} of ${plan.reasons.length}`,
      );
    if (reason.on === VAULT_GONE.on && reason.failure === VAULT_GONE.failure) throw vaultNotFound(vault);
    throw new GuardFailedError(reason);
  }

  async #note(vault: string, position: number, time: string): Promise<void> {
    const cap = String(this.#noticesCap);
    await this.#redis.xadd(
      CHANGE_NOTICES_KEY,
      'MAXLEN',
      '~',
      cap,
      '*',
      'vault',
      vault,
      'position',
      position,
      't',
      time,
    );
  }

  /**
   * The commit and a WAIT in one pipeline: on a cluster a pipeline goes to the node of its keys' slot, so
   * the WAIT counts that master's replicas holding this connection's writes, the commit's included (a
   * commit answered from its idempotency key refreshes the key's expiry, a write, so the WAIT covers its
   * first run too). A refused commit wrote nothing: its WAIT count does not matter.
   */
  async #commitReplicated(
    args: [number, ...string[]],
    acks: NonNullable<CommitterOptions['replicaAcks']>,
  ): Promise<CommitReply> {
    const results =
      (await vaultPipeline(this.#redis)
        .vaultCommit(...args)
        .wait(acks.replicas, acks.timeoutMs)
        .exec()) ?? [];
    const [[commitError, reply] = [null, null], [waitError, confirmed] = [null, 0]] = results;
    if (commitError) throw commitError;
    const committed = reply as CommitReply;
    if (committed[0] !== 1) return committed;
    if (waitError) throw waitError;
    if (Number(confirmed) < acks.replicas) {
      throw new ServiceUnavailableError(
        `The write was committed, but the store's replica did not confirm it within ${acks.timeoutMs} ms ` +
          '(a Redis Cluster master without a live replica); it is not acknowledged. Retry, or check the store.',
      );
    }
    return committed;
  }
}
