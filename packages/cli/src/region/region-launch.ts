import { z } from 'zod';
import { CliError, EXIT } from '../cli/cli-error.ts';
import { REGION_ROLES, type VaultoverConfig, validateConfig } from '../config/index.ts';
import type { RegionPlacement } from './region-node-options.ts';

/**
 * Env var through which `vaultover up` hands a region child its whole launch (config and placement) as
 * JSON: the child runs exactly the supervisor's config, with no file to re-read, and the master key
 * stays out of the process list.
 */
export const REGION_LAUNCH_ENV = 'VAULTOVER_REGION_LAUNCH';

/** What a supervised region child starts from. */
export interface RegionLaunchSpec {
  config: VaultoverConfig;
  placement: RegionPlacement;
}

const placementSchema = z.strictObject({
  name: z.string().min(1),
  role: z.enum(REGION_ROLES),
  port: z.number().int().min(0).max(65_535),
  redisUrl: z.string().min(1),
  replication: z.strictObject({
    primaryRedisUrl: z.string().optional(),
    secondaries: z.array(z.string()).optional(),
    trimIntervalMs: z.number().optional(),
    hardCap: z.number().optional(),
  }),
  control: z.strictObject({ redisUrl: z.string().min(1), leaseMs: z.number().int().positive() }).optional(),
});

const launchSchema = z.object({
  config: z.looseObject({ dataDir: z.string().min(1), file: z.string().nullable() }),
  placement: placementSchema,
});

/** Serializes a launch for REGION_LAUNCH_ENV. */
export function encodeRegionLaunch(spec: RegionLaunchSpec): string {
  return JSON.stringify(spec);
}

/** Parses REGION_LAUNCH_ENV's value; a bad one is a usage error (it comes from a supervisor or a user). */
export function decodeRegionLaunch(text: string): RegionLaunchSpec {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${REGION_LAUNCH_ENV}: not JSON (${(error as Error).message})`, {
      exitCode: EXIT.usage,
      cause: error,
    });
  }
  const parsed = launchSchema.safeParse(raw);
  if (!parsed.success) {
    throw new CliError(`${REGION_LAUNCH_ENV}: ${z.prettifyError(parsed.error).replaceAll('\n', ' ')}`, {
      exitCode: EXIT.usage,
    });
  }
  const { dataDir, file, ...rest } = parsed.data.config;
  // Validated again: the child must not trust a config it did not check.
  const config = { ...validateConfig(rest, REGION_LAUNCH_ENV), dataDir, file };
  return { config, placement: parsed.data.placement };
}
