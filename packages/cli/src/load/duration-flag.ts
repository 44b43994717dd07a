import { CliError, EXIT } from '../cli/cli-error.ts';

/**
 * A duration as the load flags write them: a number with its unit, `500ms`, `30s`, `2m`. A bare number
 * is refused rather than guessed (seconds for one flag, milliseconds for another would trip someone).
 */
export function parseDuration(text: string, what: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text.trim());
  if (!match)
    throw new CliError(`${what}: expected a duration such as 500ms, 30s or 2m, not "${text}"`, {
      exitCode: EXIT.usage,
    });
  const value = Number(match[1]);
  return value * { ms: 1, s: 1_000, m: 60_000 }[match[2] as 'ms' | 's' | 'm'];
}
