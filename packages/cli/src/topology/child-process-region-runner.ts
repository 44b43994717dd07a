import type { Say } from '../cli/say.ts';
import type { VaultoverConfig } from '../config/index.ts';
import { encodeRegionLaunch, REGION_LAUNCH_ENV } from '../region/region-launch.ts';
import { REGION_READY_PREFIX, type RegionReady } from '../region/region-ready-line.ts';
import { ChildRegionError } from './child-region-error.ts';
import type { RegionLaunch, RegionRunner, RunningRegion } from './region-runner.ts';
import { killNow, spawnSupervised, terminate, waitForReady } from './supervised-child.ts';

/** Options of {@link childProcessRegionRunner}. */
export interface ChildRunnerOptions {
  say: Say;
  /** How long a child may take to print its ready line. Default 30000. */
  readyTimeoutMs?: number;
  /** How long a child may take to exit after SIGTERM before it is SIGKILLed. Default 5000. */
  stopTimeoutMs?: number;
}

/**
 * Runs each region node as its own OS process (`node main.ts region --name X`; docs/design.md#region-nodes):
 * a crash, a kill -9 or a GC pause in one region leaves the others alone. The child gets its launch in
 * REGION_LAUNCH_ENV and a stdin pipe whose EOF tells it the supervisor is gone. Its stderr (the
 * region's JSON log lines) is passed through to ours.
 */
export function childProcessRegionRunner(config: VaultoverConfig, options: ChildRunnerOptions): RegionRunner {
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 5_000;
  return {
    async start(launch: RegionLaunch): Promise<RunningRegion> {
      const placement = {
        name: launch.name,
        role: launch.role,
        port: launch.port,
        redisUrl: launch.redis.urlAs('region'),
        replication: launch.replication,
        ...(launch.control ? { control: launch.control } : {}),
      };
      const { child, tail } = spawnSupervised({
        args: ['region', '--name', launch.name],
        env: { [REGION_LAUNCH_ENV]: encodeRegionLaunch({ config, placement }) },
        netns: config.regions.find(({ name }) => name === launch.name)?.netns,
      });
      const what = `region ${launch.name}`;
      const ready = await waitForReady<RegionReady>(child, {
        what,
        prefix: REGION_READY_PREFIX,
        timeoutMs: readyTimeoutMs,
        tail,
        error: (message) => new ChildRegionError(launch.name, message),
      }).catch(async (error) => {
        await terminate(child, 0);
        throw error;
      });
      let stopping = false;
      // Reported, never fatal: a dead region is a scenario the rest of the deployment must ride out.
      child.once('exit', (code, signal) => {
        if (stopping) return;
        options.say(
          `${what} (pid ${child.pid}) exited unexpectedly (${signal ?? `code ${code}`}); the rest keeps running ` +
            `(restart it: POST /api/regions/${launch.name}/restart on the control API)`,
        );
      });
      return {
        name: launch.name,
        role: launch.role,
        url: ready.url,
        caFile: ready.caFile,
        pid: ready.pid,
        kill: () => {
          stopping = true;
          return killNow(child);
        },
        async stop() {
          stopping = true;
          if (!(await terminate(child, stopTimeoutMs))) {
            throw new ChildRegionError(
              launch.name,
              `${what} (pid ${child.pid}) did not exit within ${stopTimeoutMs} ms of SIGTERM; killed it`,
            );
          }
        },
      };
    },
  };
}
