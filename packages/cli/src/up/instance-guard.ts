import { CliError } from '../cli/cli-error.ts';
import { readEndpointsPid } from './endpoints-file.ts';
import { isProcessAlive } from './process-alive.ts';

/**
 * Refuses to start when endpoints.json names a live `vaultover up`: both would claim the same file.
 * A file left by a crashed run names a dead pid and is simply replaced later.
 */
export async function assertNoOtherInstance(path: string): Promise<void> {
  const pid = await readEndpointsPid(path);
  if (pid === undefined || pid === process.pid || !isProcessAlive(pid)) return;
  throw new CliError(
    `another vaultover up (pid ${pid}) is running in this directory (${path}); ` +
      `stop it first (Ctrl-C there, or kill ${pid}) or run from another directory`,
  );
}
