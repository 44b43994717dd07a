import { CliError, EXIT } from '../cli/cli-error.ts';

/** The config file is missing, unreadable or invalid. */
export class ConfigError extends CliError {
  override readonly code = 'ConfigInvalid';

  constructor(source: string, detail: string, cause?: unknown) {
    super(`config error in ${source}: ${detail}`, { exitCode: EXIT.usage, cause });
  }
}
