import type { Say } from '../cli/say.ts';
import type { VaultoverConfig } from '../config/index.ts';
import { CONTROL_LAUNCH_ENV, encodeControlLaunch } from '../control/control-launch.ts';
import { CONTROL_READY_PREFIX, type ControlReady } from '../control/control-ready-line.ts';
import { serveRegionProcesses } from '../control/region-process-ipc.ts';
import { ChildControlError } from './child-control-error.ts';
import type { ControlRunner, RunningControl } from './control-runner.ts';
import { spawnSupervised, terminate, waitForReady } from './supervised-child.ts';

/** Options of {@link childProcessControlRunner}. */
export interface ChildControlRunnerOptions {
  say: Say;
  /** How long the child may take to print its ready line. Default 30000. */
  readyTimeoutMs?: number;
  /** How long the child may take to exit after SIGTERM before it is SIGKILLed. Default 5000. */
  stopTimeoutMs?: number;
}

const WHAT = 'the control process';

/**
 * Runs the control process as its own OS process (`node main.ts control`), with a Node IPC channel
 * over which it asks this supervisor for region faults (crash, restart, Redis stop/start).
 */
export function childProcessControlRunner(
  config: VaultoverConfig,
  options: ChildControlRunnerOptions,
): ControlRunner {
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 5_000;
  return {
    async start(launch, processes, onUnexpectedExit): Promise<RunningControl> {
      const { ports, ...where } = launch;
      const launched = ports
        ? { ...config, control: { ...config.control, port: ports.api, gatewayPort: ports.gateway } }
        : config;
      const { child, tail } = spawnSupervised({
        args: ['control'],
        env: { [CONTROL_LAUNCH_ENV]: encodeControlLaunch({ config: launched, ...where }) },
        ipc: true,
        netns: config.control.netns,
      });
      const stopServing = serveRegionProcesses(child, processes);
      // Exits before the ready line are start-up failures (waitForReady reports those); after it, any
      // exit nobody asked for is reported and the deployment keeps running.
      let watching = false;
      child.once('exit', (code, signal) => {
        stopServing();
        if (watching)
          onUnexpectedExit?.(`${WHAT} (pid ${child.pid}) exited unexpectedly (${signal ?? `code ${code}`})`);
      });
      const ready = await waitForReady<ControlReady>(child, {
        what: WHAT,
        prefix: CONTROL_READY_PREFIX,
        timeoutMs: readyTimeoutMs,
        tail,
        error: (message) => new ChildControlError(message),
      }).catch(async (error) => {
        await terminate(child, 0);
        throw error;
      });
      watching = true;
      // After start-up nothing else listens: an IPC hiccup must be reported, not crash the supervisor.
      child.on('error', (error) => options.say(`${WHAT} (pid ${child.pid}): ${error.message}`));
      return {
        gatewayUrl: ready.gateway,
        url: ready.control,
        pid: ready.pid,
        async stop() {
          watching = false;
          if (!(await terminate(child, stopTimeoutMs))) {
            throw new ChildControlError(
              `${WHAT} (pid ${child.pid}) did not exit within ${stopTimeoutMs} ms of SIGTERM; killed it`,
            );
          }
        },
      };
    },
  };
}
