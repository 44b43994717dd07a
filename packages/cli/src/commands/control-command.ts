import { type ControlProcess, startControl } from '@vaultover/control';
import { serveUntilStopped, stdinClosed } from '../cli/orphan-watch.ts';
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
import { StartupError } from '../topology/startup-error.ts';
import { createRegionLogger } from '../up/region-logger.ts';
import { listenForShutdown } from '../up/shutdown-signals.ts';

/** Options of `vaultover control`. */
export type ControlCommandOptions = StandaloneControlFlags;

const FORCED_EXIT_CODE = 130;

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
  const shutdown = listenForShutdown((signal) => {
    say(`${signal} again: exiting now`);
    process.exit(FORCED_EXIT_CODE);
  });
  try {
    const orphaned = supervised ? stdinClosed() : new Promise<never>(() => {});
    const logger = createRegionLogger(spec.config.logLevel).child({ component: 'control' });
    // Only a supervisor holds the region processes; alone, the API answers their faults with 503.
    const processes = supervised && process.send ? ipcRegionProcesses(process) : undefined;
    let control: ControlProcess;
    try {
      control = await startControl(controlOptions(spec.config, spec, logger, processes));
    } catch (error) {
      throw new StartupError('start the control process', error, []);
    }
    const ready: ControlReady = { gateway: control.gatewayUrl, control: control.url, pid: process.pid };
    await writeStdout(`${CONTROL_READY_PREFIX}${JSON.stringify(ready)}\n`);
    if (!supervised)
      say(`control process ready: global endpoint ${ready.gateway}, control API ${ready.control}`);
    await serveUntilStopped(
      'control process',
      { requested: shutdown.requested, orphaned },
      () => control.close(),
      say,
    );
    if (process.connected) process.disconnect();
    return 0;
  } finally {
    shutdown.dispose();
  }
}
