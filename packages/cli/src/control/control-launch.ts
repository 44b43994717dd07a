import { z } from 'zod';
import { CliError, EXIT } from '../cli/cli-error.ts';
import { REGION_ROLES, type VaultoverConfig, validateConfig } from '../config/index.ts';
import type { ControlLaunch } from '../topology/control-runner.ts';

/**
 * Env var through which `vaultover up` hands the control child its whole launch (config, region URLs,
 * control Redis) as JSON, as REGION_LAUNCH_ENV does for region children.
 */
export const CONTROL_LAUNCH_ENV = 'VAULTOVER_CONTROL_LAUNCH';

/** What a control process starts from. */
export interface ControlLaunchSpec extends ControlLaunch {
  config: VaultoverConfig;
}

const launchSchema = z.object({
  config: z.looseObject({ dataDir: z.string().min(1), file: z.string().nullable() }),
  regions: z.array(
    z.strictObject({
      name: z.string().min(1),
      role: z.enum(REGION_ROLES),
      url: z.url(),
      storeUrl: z.string().min(1).optional(),
    }),
  ),
  controlRedisUrl: z.string().min(1),
});

/** Serializes a launch for CONTROL_LAUNCH_ENV. */
export function encodeControlLaunch(spec: ControlLaunchSpec): string {
  return JSON.stringify(spec);
}

/** Parses CONTROL_LAUNCH_ENV's value; a bad one is a usage error. */
export function decodeControlLaunch(text: string): ControlLaunchSpec {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${CONTROL_LAUNCH_ENV}: not JSON (${(error as Error).message})`, {
      exitCode: EXIT.usage,
      cause: error,
    });
  }
  const parsed = launchSchema.safeParse(raw);
  if (!parsed.success) {
    throw new CliError(`${CONTROL_LAUNCH_ENV}: ${z.prettifyError(parsed.error).replaceAll('\n', ' ')}`, {
      exitCode: EXIT.usage,
    });
  }
  const { dataDir, file, ...rest } = parsed.data.config;
  // Validated again: the child must not trust a config it did not check.
  const config = { ...validateConfig(rest, CONTROL_LAUNCH_ENV), dataDir, file };
  return { config, regions: parsed.data.regions, controlRedisUrl: parsed.data.controlRedisUrl };
}

/** The control process fails over one pair: say so before anything starts. */
export function assertFailoverPair(launch: Pick<ControlLaunch, 'regions'>): void {
  const roles = launch.regions.map(({ role }) => role).sort();
  if (roles.length === 2 && roles[0] === 'primary' && roles[1] === 'secondary') return;
  const found = launch.regions.map(({ name, role }) => `${name} (${role})`).join(', ');
  throw new CliError(
    `the control process fails over one region pair: expected one primary and one secondary, got ${found || 'none'}`,
    { exitCode: EXIT.usage },
  );
}
