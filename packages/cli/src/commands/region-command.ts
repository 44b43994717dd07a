import { startRegionNode } from '@vaultover/region';
import { CliError, EXIT } from '../cli/cli-error.ts';
import { runInForeground } from '../cli/foreground-service.ts';
import { type Say, sayOnStderr } from '../cli/say.ts';
import { writeStdout } from '../cli/stdout.ts';
import { loadConfig } from '../config/index.ts';
import { decodeRegionLaunch, REGION_LAUNCH_ENV, type RegionLaunchSpec } from '../region/region-launch.ts';
import { regionNodeOptions } from '../region/region-node-options.ts';
import { REGION_READY_PREFIX, type RegionReady } from '../region/region-ready-line.ts';
import { createRegionLogger } from '../up/region-logger.ts';

/** Options of `vaultover region`. */
export interface RegionOptions {
  name: string;
  config?: string | undefined;
  redisUrl?: string | undefined;
  port?: number | undefined;
  primaryRedisUrl?: string | undefined;
  secondaries?: string[] | undefined;
  controlRedisUrl?: string | undefined;
}

/**
 * `vaultover region`: runs ONE region node in the foreground until SIGINT/SIGTERM (or, when a
 * supervisor started it, until the supervisor's stdin pipe closes), after printing one
 * `vaultover region ready <json>` line. Resolves with the exit code; start-up failures throw.
 */
export async function runRegion(
  options: RegionOptions,
  env: NodeJS.ProcessEnv = process.env,
  say: Say = sayOnStderr,
): Promise<number> {
  const supervisedLaunch = env[REGION_LAUNCH_ENV];
  const spec =
    supervisedLaunch === undefined ? await standaloneLaunch(options) : decodeRegionLaunch(supervisedLaunch);
  if (spec.placement.name !== options.name) {
    throw new CliError(
      `--name ${options.name} does not match ${REGION_LAUNCH_ENV} (${spec.placement.name})`,
      {
        exitCode: EXIT.usage,
      },
    );
  }
  const { config, placement } = spec;
  return runInForeground(
    {
      what: `region ${placement.name}`,
      startStep: `start region ${placement.name}`,
      supervised: supervisedLaunch !== undefined,
      say,
    },
    () => {
      const logger = createRegionLogger(config.logLevel).child({ region: placement.name });
      return startRegionNode(regionNodeOptions(config, placement, logger));
    },
    async (node) => {
      const ready: RegionReady = {
        name: placement.name,
        url: node.url,
        caFile: node.caFile,
        pid: process.pid,
      };
      await writeStdout(`${REGION_READY_PREFIX}${JSON.stringify(ready)}\n`);
    },
  );
}

/** A region started by hand (e.g. on another host): its config file names it, flags place it. */
async function standaloneLaunch(options: RegionOptions): Promise<RegionLaunchSpec> {
  const config = await loadConfig({ file: options.config });
  const region = config.regions.find(({ name }) => name === options.name);
  if (!region) {
    const names = config.regions.map(({ name }) => name).join(', ');
    throw new CliError(`region ${options.name} is not in the config (regions: ${names})`, {
      exitCode: EXIT.usage,
    });
  }
  const redisUrl = options.redisUrl ?? config.redis.urls?.[region.name];
  if (redisUrl === undefined) {
    throw new CliError(
      `no Redis for region ${region.name}: pass --redis-url or set redis.urls.${region.name} in the config`,
      { exitCode: EXIT.usage },
    );
  }
  if (region.role === 'secondary' && options.primaryRedisUrl === undefined) {
    throw new CliError(
      `region ${region.name} is a secondary: pass --primary-redis-url (the primary's Redis, or a proxy in front of it)`,
      { exitCode: EXIT.usage },
    );
  }
  const secondaries =
    options.secondaries ?? config.regions.filter(({ role }) => role === 'secondary').map(({ name }) => name);
  return {
    config,
    placement: {
      name: region.name,
      role: region.role,
      port: options.port ?? region.port,
      redisUrl,
      replication: region.role === 'primary' ? { secondaries } : { primaryRedisUrl: options.primaryRedisUrl },
      ...(options.controlRedisUrl === undefined
        ? {}
        : { control: { redisUrl: options.controlRedisUrl, leaseMs: config.failover.leaseMs } }),
    },
  };
}
