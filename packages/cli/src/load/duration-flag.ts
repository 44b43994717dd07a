import { DURATION_HINT, parseDuration as parseDurationText } from '@vaultover/scenario';
import { CliError, EXIT } from '../cli/cli-error.ts';

/**
 * A duration as a flag writes it, in the scenario files' grammar (`500ms`, `30s`, `2m`, `1m30s`), so
 * that one spelling works everywhere. A bare number is refused rather than guessed (seconds for one
 * flag, milliseconds for another would trip someone).
 */
export function parseDuration(text: string, what: string): number {
  const ms = parseDurationText(text.trim());
  if (ms === undefined)
    throw new CliError(`${what}: expected ${DURATION_HINT}, not "${text}"`, { exitCode: EXIT.usage });
  return ms;
}
