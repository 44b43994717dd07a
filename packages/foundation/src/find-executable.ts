import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

/**
 * Resolves a command the way the shell would (a path is taken as is, a bare name is searched on PATH),
 * so that a missing program (redis-server, prometheus) is reported before we spawn anything. Returns null when not found.
 */
export async function findExecutable(command: string): Promise<string | null> {
  const candidates = command.includes('/')
    ? [command]
    : (process.env.PATH ?? '')
        .split(delimiter)
        .filter(Boolean)
        .map((dir) => join(dir, command));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here; try the next directory.
    }
  }
  return null;
}
