import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { VaultoverCredential } from '@vaultover/auth/tokens';
import type { LoadTarget } from '@vaultover/load';
import { CliError, EXIT } from '../cli/cli-error.ts';

/**
 * The load's target from a running `vaultover up`'s endpoints.json (its vaults, CA and signing key), and
 * the deployment's data directory (where its Prometheus finds its targets).
 */
export async function endpointsTarget(
  endpoints: string | undefined,
  cwd: string,
): Promise<{ target: LoadTarget; dataDir: string }> {
  const path = resolve(cwd, endpoints ?? join('.vaultover', 'endpoints.json'));
  const text = await readFile(path, 'utf8').catch(() => {
    throw new CliError(
      endpoints === undefined
        ? 'no .vaultover/endpoints.json here: start `scripts/vaultover up` first (in this directory), or pass --endpoints FILE'
        : `cannot read ${path}: pass the endpoints.json of a running vaultover up`,
      { exitCode: EXIT.usage },
    );
  });
  let parsed: { gateway?: unknown; vaults?: unknown; caFile?: unknown; dataDir?: unknown };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    parsed = {};
  }
  const { gateway, vaults, caFile, dataDir } = parsed;
  if (typeof gateway !== 'string' || typeof caFile !== 'string' || typeof dataDir !== 'string')
    throw new CliError(
      `${path} is not the endpoints.json of vaultover up (expected gateway, caFile and dataDir)`,
    );
  const ca = await readFile(caFile, 'utf8').catch(() => {
    throw new CliError(`cannot read the CA file ${caFile} named in ${path}`);
  });
  return {
    target: {
      defaultVaultUrl: gateway,
      vaults: typeof vaults === 'object' && vaults !== null ? (vaults as Record<string, string>) : {},
      ca,
      credential: (principal) => new VaultoverCredential({ principal, dataDir }),
    },
    dataDir,
  };
}
