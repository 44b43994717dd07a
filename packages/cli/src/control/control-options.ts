import type { ControlOptions, RegionProcesses } from '@vaultover/control';
import type { Logger } from 'pino';
import { CliError, EXIT } from '../cli/cli-error.ts';
import { deploymentHostnames, type VaultoverConfig } from '../config/index.ts';
import type { ControlLaunch } from '../topology/control-runner.ts';

const ADMINISTRATOR = 'Key Vault Administrator';

/** The control process's options for `launch` under `config`. */
export function controlOptions(
  config: VaultoverConfig,
  launch: ControlLaunch,
  logger: Logger,
  processes: RegionProcesses | undefined,
): ControlOptions {
  return {
    controlRedisUrl: launch.controlRedisUrl,
    regions: launch.regions,
    dataDir: config.dataDir,
    hostnames: deploymentHostnames(config),
    ...(config.control.host === undefined ? {} : { host: config.control.host }),
    principals: config.principals,
    adminPrincipal: adminPrincipalOf(config),
    tenantId: config.tenantId,
    apiPort: config.control.port,
    gatewayPort: config.control.gatewayPort,
    monitor: config.monitor,
    failover: config.failover,
    logger,
    ...(processes ? { processes } : {}),
  };
}

/**
 * The principal the control process acts as at the regions' admin endpoints: `admin` when configured,
 * else the first administrator.
 */
export function adminPrincipalOf(config: Pick<VaultoverConfig, 'principals'>): string {
  const entries = Object.entries(config.principals);
  const admin = entries.find(([name, { roles }]) => name === 'admin' && roles.includes(ADMINISTRATOR));
  const first = admin ?? entries.find(([, { roles }]) => roles.includes(ADMINISTRATOR));
  if (!first) {
    throw new CliError(
      `no principal has the role "${ADMINISTRATOR}": the control process needs one to manage the regions; ` +
        'add one under principals in the config',
      { exitCode: EXIT.usage },
    );
  }
  return first[0];
}
