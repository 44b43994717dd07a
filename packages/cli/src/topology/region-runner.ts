import type { RedisInstance } from '@vaultover/local-redis';
import type { RegionRole } from '../config/index.ts';
import type { RegionControlLink } from '../region/region-node-options.ts';

/**
 * How a region node takes part in replication (the shape of RegionNodeOptions.replication): a
 * secondary pulls from `primaryRedisUrl` (the link proxy in front of the primary's Redis); the primary
 * keeps its streams until every one of `secondaries` has acknowledged them.
 */
export interface RegionReplication {
  primaryRedisUrl?: string;
  secondaries?: string[];
  trimIntervalMs?: number;
  hardCap?: number;
}

/** What a runner needs to start one region. */
export interface RegionLaunch {
  name: string;
  role: RegionRole;
  port: number;
  redis: RedisInstance;
  replication: RegionReplication;
  /** Set when a control process watches the regions (`vaultover up`). */
  control?: RegionControlLink | undefined;
}

/** A started region, wherever it runs. */
export interface RunningRegion {
  readonly name: string;
  readonly role: RegionRole;
  /** Base URL of its data plane, e.g. https://localhost:PORT. */
  readonly url: string;
  /** Absolute path of the CA certificate clients must trust. */
  readonly caFile: string;
  /** OS pid of the process serving it (chaos targets it; the in-process runner reports its own). */
  readonly pid: number;
  /** Stops it; resolves once it no longer serves. */
  stop(): Promise<void>;
  /** Crashes it (SIGKILL for a child; the in-process runner can only close it). Resolves once it is gone. */
  kill(): Promise<void>;
}

/**
 * Starts region nodes: in this process (the demo, unit tests) or one OS process per region (`up`; why:
 * docs/design.md#region-nodes).
 */
export interface RegionRunner {
  start(launch: RegionLaunch): Promise<RunningRegion>;
}
