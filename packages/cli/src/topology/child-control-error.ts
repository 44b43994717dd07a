import { CliError } from '../cli/cli-error.ts';

/** The control child process failed to start or to stop; the message carries what the child said. */
export class ChildControlError extends CliError {
  override readonly code = 'ChildControlFailed';
}
