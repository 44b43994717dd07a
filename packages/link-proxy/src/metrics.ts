import type { DirectionCounters } from './link.ts';
import type { Direction } from './toxic.ts';

/** What every link counts, as plain data, for its owner to export (e.g. as Prometheus metrics). */
export interface LinkMetrics {
  /** Per direction: bytes read from the sender and bytes written to the receiver, since start. */
  bytes: Record<Direction, DirectionCounters>;
  /** Toxics configured on the link (whether or not toxicity made them apply to each connection). */
  toxicsActive: number;
  enabled: boolean;
}

/** A proxy's counters: a link's, and the connections it carries (a kernel link has none to count). */
export interface LinkProxyMetrics extends LinkMetrics {
  connectionsActive: number;
  connectionsTotal: number;
}

/** Fresh zeroed byte counters for both directions. */
export function emptyCounters(): Record<Direction, DirectionCounters> {
  return {
    upstream: { receivedBytes: 0, sentBytes: 0 },
    downstream: { receivedBytes: 0, sentBytes: 0 },
  };
}
