/**
 * What a region node serves (docs/design.md#region-modes): `read-write` everything; `read-only` the
 * read-only profile's allowlist (after a failover); `standby` nothing but replication (a secondary before
 * failover, either region during a failover or failback window, the old primary while failed over);
 * `offline` nothing (a region taken out of service). The node enforces its own mode, whatever the
 * gateway in front of it believes.
 */
export const REGION_MODES = ['read-write', 'read-only', 'standby', 'offline'] as const;
export type RegionMode = (typeof REGION_MODES)[number];

export function isRegionMode(value: unknown): value is RegionMode {
  return (REGION_MODES as readonly unknown[]).includes(value);
}
