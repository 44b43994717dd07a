import { startControl } from '@vaultover/control';
import { runInForeground } from '../cli/foreground-service.ts';
import { type Say, sayOnStderr } from '../cli/say.ts';
import { writeStdout } from '../cli/stdout.ts';
import { assertFailoverPair, CONTROL_LAUNCH_ENV, decodeControlLaunch } from '../control/control-launch.ts';
import { controlOptions } from '../control/control-options.ts';
import { CONTROL_READY_PREFIX, type ControlReady } from '../control/control-ready-line.ts';
import { ipcRegionProcesses } from '../control/region-process-ipc.ts';
import {
  type StandaloneControlFlags,
  standaloneControlLaunch,
} from '../control/standalone-control-launch.ts';
import { createRegionLogger } from '../up/region-logger.ts';

/** Options of `vaultover control`. */
export type ControlCommandOptions = StandaloneControlFlags;

/**
 * `vaultover control`: runs ONE control process (health monitor, failover, global endpoint, control
 * API) in the foreground until SIGINT/SIGTERM, or, when `vaultover up` started it, until the
 * supervisor's stdin pipe closes. Prints one `vaultover control ready <json>` line first.
 */
export async function runControl(
  options: ControlCommandOptions,
  env: NodeJS.ProcessEnv = process.env,
  say: Say = sayOnStderr,
): Promise<number> {
  const supervisedLaunch = env[CONTROL_LAUNCH_ENV];
  const supervised = supervisedLaunch !== undefined;
  const spec = supervised ? decodeControlLaunch(supervisedLaunch) : await standaloneControlLaunch(options);
  assertFailoverPair(spec);
  // Only a supervisor holds the region processes; alone, the API answers their faults with 503.
  const processes = supervised && process.send ? ipcRegionProcesses(process) : undefined;
  return runInForeground(
    { what: 'control process', startStep: 'start the control process', supervised, say },
    () => {
      const logger = createRegionLogger(spec.config.logLevel).child({ component: 'control' });
      return startControl(controlOptions(spec.config, spec, logger, processes));
    },
    async (control) => {
      const ready: ControlReady = { gateway: control.gatewayUrl, control: control.url, pid: process.pid };
      await writeStdout(`${CONTROL_READY_PREFIX}${JSON.stringify(ready)}\n`);
      if (!supervised)
        say(`control process ready: global endpoint ${ready.gateway}, control API ${ready.control}`);
    },
  );
}
