import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SHIPPED_SCENARIOS_DIR } from '@vaultover/scenario';
import { CliError, EXIT } from '../cli/cli-error.ts';

/** A path to a file, or the name of a shipped scenario (`vaultover scenario list`). */
export async function scenarioFile(fileOrName: string): Promise<string> {
  const candidates = [resolve(fileOrName), join(SHIPPED_SCENARIOS_DIR, `${fileOrName}.yaml`)];
  for (const candidate of candidates) {
    if (
      await access(candidate).then(
        () => true,
        () => false,
      )
    )
      return candidate;
  }
  throw new CliError(
    `no scenario file ${fileOrName}, and no shipped scenario of that name (vaultover scenario list)`,
    { exitCode: EXIT.usage },
  );
}
