import type { RegionMode } from './region-mode.ts';

/**
 * The body of a region node's `GET /health`, which the control process's health monitor reads: 200 with
 * `status: "ok"` when the node can serve, 503 with `status: "unhealthy"` and the reasons otherwise. The
 * replication positions let the monitor know, from its last good probe of each region, how many changes a
 * failover would leave behind (RPO).
 */
export interface RegionHealth {
  status: 'ok' | 'unhealthy';
  problems: string[];
  region: string;
  role: 'primary' | 'secondary';
  mode: RegionMode;
  epoch: number;
  redis: { reachable: boolean; latencyMs: number | null };
  /** The region's view of its link to the control Redis; null when it runs without a control process. */
  control: ControlLinkHealth | null;
  /** Null when the region's Redis does not answer, or replication could not report in time. */
  replication: ReplicationHealth | null;
}

/** A region's view of the control store and its write lease. */
export interface ControlLinkHealth {
  link: 'up' | 'down';
  epoch: number | null;
  /** Whether this region holds the write lease now. */
  lease: 'held' | 'none';
  /** Milliseconds the held lease has left (as this region counts them), else null. */
  leaseRemainingMs: number | null;
  writer: boolean;
}

/** The replication fields of `/health` the control process relies on (the region may send more). */
export interface ReplicationHealth {
  state: string;
  /** The primary's newest position (a primary's own; a secondary's as last read from the primary). */
  lastPosition: number | null;
  lastCommitTime: string | null;
  /** What a secondary has applied; null on a primary. */
  lastAppliedPosition: number | null;
  lastAppliedTime: string | null;
  lagEntries: number | null;
  /** A primary's replication mode; null on a secondary. */
  mode: 'async' | 'sync' | null;
}
