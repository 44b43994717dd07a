import type { RedisInstance } from '@vaultover/local-redis';
import type { RegionRole } from '../config/index.ts';

/** What a runner needs to start one region. */
export interface RegionLaunch {
  name: string;
  role: RegionRole;
  port: number;
  redis: RedisInstance;
}

/** A started region, wherever it runs. */
export interface RunningRegion {
  readonly name: string;
  readonly role: RegionRole;
  /** Base URL of its data plane, e.g. https://localhost:PORT. */
  readonly url: string;
  /** Absolute path of the CA certificate clients must trust. */
  readonly caFile: string;
  /** Stops it; resolves once it no longer serves. */
  stop(): Promise<void>;
}

/**
 * Starts region nodes. The in-process runner is the only one today; a child-process runner (one OS
 * process per region, as DESIGN §2 wants) will implement the same interface.
 */
export interface RegionRunner {
  start(launch: RegionLaunch): Promise<RunningRegion>;
}
