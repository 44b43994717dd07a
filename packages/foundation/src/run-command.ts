import { execFile } from 'node:child_process';
import { CodedError } from './coded-error.ts';

/** A program that ran and failed, or could not be run at all. */
export class CommandFailedError extends CodedError<'CommandFailed'> {
  readonly code = 'CommandFailed';
  /** Its exit status; null when it could not be started or was killed. */
  readonly exitCode: number | null;

  constructor(message: string, exitCode: number | null, options?: ErrorOptions) {
    super(message, options);
    this.exitCode = exitCode;
  }
}

/** Default limit of {@link runCommand}: `ip` and `tc` answer in milliseconds. */
const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Runs a program to its end without a shell (the arguments are passed as they are) and resolves with
 * its standard output; a non-zero exit, a signal or a program not found rejects with CommandFailedError,
 * whose message is the command line and the last line the program wrote on its standard error.
 */
export function runCommand(
  file: string,
  args: readonly string[],
  options: { timeoutMs?: number } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const said = stderr.trim().split('\n').at(-1) || error.message;
        const status = typeof error.code === 'number' ? error.code : null;
        reject(new CommandFailedError(`${[file, ...args].join(' ')}: ${said}`, status, { cause: error }));
      },
    );
  });
}
