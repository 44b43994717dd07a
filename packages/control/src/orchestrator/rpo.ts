import type { RegionHealth } from '@vaultover/contract';
import type { RpoReport } from '../failover/failover-state.ts';

/** Where the control process learns regions' change positions. */
export interface PositionsSource {
  /** The latest health body a region answered with (the monitor's last good probe). */
  latest(region: string): Promise<RegionHealth | undefined>;
  /** The position in the region's store itself, read now; undefined when it cannot be read. */
  stored?(region: string): Promise<number | undefined>;
}

/**
 * Changes the primary committed that the secondary has not applied, at the moment of promotion: lost
 * when the primary had acknowledged them (async mode), merely unacknowledged in sync mode. Promotion
 * comes after the old primary's write lease ran out, so its store holds its final position: that is
 * read when the store answers (`primaryPositionFrom: 'store'`). Otherwise the primary's position is
 * the larger of its own last good probe and what the secondary's replicator last read from the
 * primary's stream (`'probes'`), which misses what it committed after its last probe. Positions are
 * sums over vaults, so differences count changes.
 */
export async function measureRpo(
  positions: PositionsSource,
  primary: string,
  secondary: string,
): Promise<RpoReport> {
  const [p, s, stored] = await Promise.all([
    positions.latest(primary),
    positions.latest(secondary),
    positions.stored?.(primary),
  ]);
  const primaryOwn = p?.replication?.lastPosition ?? null;
  const seenBySecondary = s?.replication?.lastPosition ?? null;
  const applied = s?.replication?.lastAppliedPosition ?? null;
  const primaryPosition = stored ?? maxOf(primaryOwn, seenBySecondary);
  const missing = primaryPosition !== null && applied !== null ? Math.max(0, primaryPosition - applied) : 0;
  // A sync primary acknowledged only what the secondary had applied: what is missing was refused.
  const sync = p?.replication?.mode === 'sync';
  const lost = sync ? 0 : missing;
  const newest =
    missing > 0 ? newestOf(p?.replication?.lastCommitTime, s?.replication?.lastCommitTime) : null;
  const appliedTime = msOf(s?.replication?.lastAppliedTime);
  return {
    lostChanges: lost,
    unacknowledgedChanges: missing - lost,
    newestLostCommitTime: newest,
    lostWindowSeconds:
      newest !== null && appliedTime !== null ? Math.max(0, (newest - appliedTime) / 1000) : null,
    primaryPosition,
    primaryPositionFrom: stored === undefined ? 'probes' : 'store',
    secondaryAppliedPosition: applied,
  };
}

function maxOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

/** The later of two ISO times from regions' /health, in epoch ms; null when neither is a time. */
function newestOf(a: string | null | undefined, b: string | null | undefined): number | null {
  const times = [msOf(a), msOf(b)].filter((t) => t !== null);
  return times.length === 0 ? null : Math.max(...times);
}

/** A region's ISO time in epoch ms, or null. */
function msOf(iso: string | null | undefined): number | null {
  if (typeof iso !== 'string') return null;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : null;
}
