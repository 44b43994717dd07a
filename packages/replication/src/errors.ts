import { CodedError, redisReplyCode } from '@vaultover/foundation';

/** Codes of replication errors, stable for status, metrics and tests. */
export type ReplicationErrorCode =
  | 'MalformedEntry'
  | 'UnknownFormat'
  | 'LinkDown'
  | 'ReadTimeout'
  | 'ResyncFailed';

/** A replication failure with a stable code. */
export class ReplicationError extends CodedError<ReplicationErrorCode> {
  readonly code: ReplicationErrorCode;
  readonly vault: string | undefined;

  constructor(code: ReplicationErrorCode, message: string, vault?: string) {
    super(message);
    this.code = code;
    this.vault = vault;
  }
}

/** The codes the apply script's refusals start with (lua/apply-batch.lua): bad data in the entries. */
const APPLY_REFUSALS = ['UnknownFormat', 'MalformedEntry'] as const satisfies readonly ReplicationErrorCode[];

/**
 * The ReplicationError of an error the apply script replied with, read from the reply's code word; undefined
 * for anything else (a dropped connection, a timeout): that is not bad data, and the caller retries it.
 */
export function applyRefusal(vault: string, error: unknown): ReplicationError | undefined {
  const code = redisReplyCode(error, APPLY_REFUSALS);
  if (code === undefined) return undefined;
  return new ReplicationError(code, `vault ${vault}: ${(error as Error).message}`, vault);
}
