import type { StopFailure } from '@vaultover/foundation';
import { LocalRedisError } from '@vaultover/local-redis';
import { CliError } from '../cli/cli-error.ts';
import { ChildControlError } from './child-control-error.ts';
import { ChildRegionError } from './child-region-error.ts';

/** Start-up failed at `step`; what had started was stopped again (or `cleanup` says what was not). */
export class StartupError extends CliError {
  override readonly code = 'StartupFailed';

  constructor(step: string, cause: unknown, cleanup: readonly StopFailure[]) {
    super(`could not ${step}: ${reasonOf(cause)}${hintOf(cause)}${cleanupNote(cleanup)}`, { cause });
  }
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function hintOf(error: unknown): string {
  // Redis errors already say what to do, and a child's reason carries the child's own hint.
  if (
    error instanceof LocalRedisError ||
    error instanceof ChildRegionError ||
    error instanceof ChildControlError
  ) {
    return '';
  }
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EADDRINUSE') {
    return ' (the port is taken: set another regions[].port or control port, or 0 for a free one, and run again)';
  }
  return ' (see the log lines above; fix the cause and run vaultover up again)';
}

function cleanupNote(failures: readonly StopFailure[]): string {
  if (failures.length === 0) return '';
  const list = failures.map(({ name, error }) => `${name}: ${reasonOf(error)}`).join('; ');
  return `; also failed to stop what had started (${list}), check for leftover processes`;
}
