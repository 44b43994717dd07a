/**
 * Process-level faults on a region: only whoever started the processes can do these (`vaultover up`,
 * which hands the control process this interface over IPC). A control process started alone has none.
 */
export interface RegionProcesses {
  /** SIGKILL the region node. */
  crash(region: string): Promise<void>;
  /** Start the region node again (same port, same data). */
  restart(region: string): Promise<void>;
  /** Stop the region's Redis (SIGKILL, as a failing server would). */
  stopRedis(region: string): Promise<void>;
  startRedis(region: string): Promise<void>;
}

export const REGION_PROCESS_FAULTS = ['crash', 'restart', 'redis/stop', 'redis/start'] as const;
export type RegionProcessFault = (typeof REGION_PROCESS_FAULTS)[number];
