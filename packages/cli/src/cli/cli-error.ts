import { CodedError } from '@vaultover/foundation';

/** Exit codes of the CLI. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** What went wrong, for programs and tests; the exit code says it to the shell. */
export type CliErrorCode =
  | 'BadUsage'
  | 'CommandFailed'
  | 'ConfigInvalid'
  | 'StartupFailed'
  | 'ChildRegionFailed'
  | 'ChildControlFailed'
  | 'ControlApiFailed';

/**
 * An expected failure: its message is the whole story (what failed, what to do), so it is printed as
 * one line without a stack. Its code is `BadUsage` when it exits with the usage code, else
 * `CommandFailed`, unless a subclass names its own.
 */
export class CliError extends CodedError<CliErrorCode> {
  readonly code: CliErrorCode;
  readonly exitCode: number;

  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.exitCode = options.exitCode ?? EXIT.failure;
    this.code = this.exitCode === EXIT.usage ? 'BadUsage' : 'CommandFailed';
  }
}
