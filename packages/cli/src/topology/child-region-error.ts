import { CliError } from '../cli/cli-error.ts';

/** A region child process failed to start or to stop; the message carries what the child said. */
export class ChildRegionError extends CliError {
  override readonly code = 'ChildRegionFailed';
  readonly region: string;

  constructor(region: string, message: string) {
    super(message);
    this.region = region;
  }
}
