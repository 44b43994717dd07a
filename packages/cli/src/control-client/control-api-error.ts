import { CliError } from '../cli/cli-error.ts';

/** The control API answered with an error (or not at all); the message says what to do next. */
export class ControlApiError extends CliError {
  override readonly code = 'ControlApiFailed';
  /** HTTP status, or 0 when nothing answered. */
  readonly status: number;
  /** The API's own error code (`Conflict`, …), when it gave one. */
  readonly apiCode: string | undefined;

  constructor(message: string, options: { status: number; apiCode?: string | undefined; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.status = options.status;
    this.apiCode = options.apiCode;
  }
}
