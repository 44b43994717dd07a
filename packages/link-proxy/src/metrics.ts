import type { DirectionCounters } from './link.ts';
import type { Direction } from './toxic.ts';

/** A proxy's counters as plain data, for the control process to export (e.g. as Prometheus metrics). */
export interface LinkProxyMetrics {
  /** Per direction: bytes read from the sender and bytes written to the receiver, since start. */
  bytes: Record<Direction, DirectionCounters>;
  connectionsActive: number;
  connectionsTotal: number;
  /** Toxics configured on the proxy (whether or not toxicity made them apply to each connection). */
  toxicsActive: number;
  enabled: boolean;
}

/** Fresh zeroed byte counters for both directions. */
export function emptyCounters(): Record<Direction, DirectionCounters> {
  return {
    upstream: { receivedBytes: 0, sentBytes: 0 },
    downstream: { receivedBytes: 0, sentBytes: 0 },
  };
}
