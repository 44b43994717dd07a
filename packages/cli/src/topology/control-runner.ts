import type { ControlRegion, RegionProcesses } from '@vaultover/control';

/** What a control process is started with, besides the config: where the regions and its Redis are. */
export interface ControlLaunch {
  regions: ControlRegion[];
  controlRedisUrl: string;
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

/** Starts the control process; `processes` answers its region faults (crash, restart, Redis stop/start). */
export interface ControlRunner {
  start(launch: ControlLaunch, processes: RegionProcesses): Promise<RunningControl>;
}
