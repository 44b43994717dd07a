import { startRegionNode } from '@vaultover/region';
import type { Logger } from 'pino';
import type { VaultoverConfig } from '../config/index.ts';
import { regionNodeOptions } from '../region/region-node-options.ts';
import type { RegionLaunch, RegionRunner, RunningRegion } from './region-runner.ts';

/** Runs each region node inside this process, sharing one logger (a child per region). */
export function inProcessRegionRunner(config: VaultoverConfig, logger: Logger): RegionRunner {
  return {
    async start(launch: RegionLaunch): Promise<RunningRegion> {
      const node = await startRegionNode(
        regionNodeOptions(
          config,
          { ...launch, redisUrl: launch.redis.urlAs('region') },
          logger.child({ region: launch.name }),
        ),
      );
      let closing: Promise<void> | undefined;
      const close = () => {
        closing ??= node.close();
        return closing;
      };
      return {
        name: launch.name,
        role: launch.role,
        url: node.url,
        caFile: node.caFile,
        pid: process.pid,
        stop: close,
        // There is no process of its own to kill: closing is the nearest thing to a crash.
        kill: close,
      };
    },
  };
}
