import type { ControlRegion, RegionProcesses } from '@vaultover/control';

/** What a control process is started with, besides the config: where the regions and its Redis are. */
export interface ControlLaunch {
  regions: ControlRegion[];
  controlRedisUrl: string;
  /** Ports to listen on instead of the config's (a restarted control process keeps its URLs). */
  ports?: { api: number; gateway: number };
}

/** A started control process. */
export interface RunningControl {
  /** The global endpoint: where clients send vault requests. */
  readonly gatewayUrl: string;
  /** The control API (and its /metrics). */
  readonly url: string;
  /** OS pid of the process serving it. */
  readonly pid: number;
  stop(): Promise<void>;
}

/**
 * Starts the control process; `processes` answers its region faults (crash, restart, Redis stop/start);
 * `onUnexpectedExit` hears of an exit nobody asked for, after start-up.
 */
export interface ControlRunner {
  start(
    launch: ControlLaunch,
    processes: RegionProcesses,
    onUnexpectedExit?: (reason: string) => void,
  ): Promise<RunningControl>;
}
