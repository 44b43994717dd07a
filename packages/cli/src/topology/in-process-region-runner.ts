import { startRegionNode } from '@vaultover/region';
import type { Logger } from 'pino';
import type { VaultoverConfig } from '../config/index.ts';
import type { RegionLaunch, RegionRunner, RunningRegion } from './region-runner.ts';

/** Runs each region node inside this process, sharing one logger (a child per region). */
export function inProcessRegionRunner(config: VaultoverConfig, logger: Logger): RegionRunner {
  return {
    async start(launch: RegionLaunch): Promise<RunningRegion> {
      const node = await startRegionNode({
        region: launch.name,
        role: launch.role,
        port: launch.port,
        hostnames: config.hostnames,
        dataDir: config.dataDir,
        redisUrl: launch.redis.url,
        vaults: config.vaults,
        defaultVault: config.defaultVault,
        principals: config.principals,
        tenantId: config.tenantId,
        timeScale: config.timeScale,
        masterKey: config.masterKey,
        logger: logger.child({ region: launch.name }),
      });
      return {
        name: launch.name,
        role: launch.role,
        url: node.url,
        caFile: node.caFile,
        stop: () => node.close(),
      };
    },
  };
}
