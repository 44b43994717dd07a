import { CodedError } from '@vaultover/foundation';

/** Codes of replication errors, stable for status, metrics and tests. */
export type ReplicationErrorCode =
  | 'MalformedEntry'
  | 'UnknownFormat'
  | 'ApplyFailed'
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

/** Classifies an error reply of the apply script: a refused entry is bad data, anything else is not. */
export function applyError(vault: string, error: unknown): ReplicationError {
  const message = error instanceof Error ? error.message : String(error);
  if (message.includes('unknown format version'))
    return new ReplicationError('UnknownFormat', `vault ${vault}: ${message}`, vault);
  if (message.includes('vaultover apply'))
    return new ReplicationError('MalformedEntry', `vault ${vault}: ${message}`, vault);
  return new ReplicationError('ApplyFailed', `vault ${vault}: ${message}`, vault);
}
