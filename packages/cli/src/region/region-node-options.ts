import type { RegionNodeOptions } from '@vaultover/region';
import type { Logger } from 'pino';
import { deploymentHostnames, type RegionRole, type VaultoverConfig } from '../config/index.ts';
import type { RegionReplication } from '../topology/region-runner.ts';

/** One region of a config, placed: its port, its Redis and its part in replication. */
export interface RegionPlacement {
  name: string;
  role: RegionRole;
  port: number;
  redisUrl: string;
  replication: RegionReplication;
  /** The control Redis, where the region renews its write lease and reads its assigned mode. */
  control?: RegionControlLink | undefined;
}

/** RegionNodeOptions.control: absent when no control process watches the region (the demo). */
export interface RegionControlLink {
  redisUrl: string;
  leaseMs: number;
}

/** The region node's options for `placement` under `config`; every runner starts nodes from these. */
export function regionNodeOptions(
  config: VaultoverConfig,
  placement: RegionPlacement,
  logger: Logger,
): RegionNodeOptions {
  const host = config.regions.find(({ name }) => name === placement.name)?.host;
  return {
    region: placement.name,
    role: placement.role,
    ...(host === undefined ? {} : { host }),
    port: placement.port,
    hostnames: deploymentHostnames(config),
    dataDir: config.dataDir,
    redisUrl: placement.redisUrl,
    vaults: config.vaults,
    defaultVault: config.defaultVault,
    principals: config.principals,
    tenantId: config.tenantId,
    timeScale: config.timeScale,
    masterKey: config.masterKey,
    logger,
    readOnlyProfile: config.readOnlyProfile,
    delays: config.propagationDelays,
    throttling: config.throttling,
    replication: {
      ...placement.replication,
      // Only a primary waits for acknowledgements; a secondary's writes are replication's own.
      ...(placement.role === 'primary' ? config.replication : {}),
    },
    ...(placement.control
      ? { control: { ...placement.control, requestLog: config.observability.requestLog } }
      : {}),
  };
}
