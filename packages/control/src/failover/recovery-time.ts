import type { FailoverRecord } from './failover-state.ts';

/**
 * A completed failover's recovery time in seconds (`vaultover_failover_last_rto_seconds`, docs/metrics.md):
 * from its cause as first seen (`triggeredAt`: the first failed probe of the failures that made the monitor
 * judge the primary down, or the forced request) until the secondary served. Records without
 * `triggeredAt` start at the monitor's verdict, else at the start of failing over. Null until the
 * secondary served.
 */
export function recoveryTimeSeconds(record: FailoverRecord): number | null {
  if (record.servingAt === null) return null;
  const from = record.triggeredAt ?? record.detectedAt ?? record.startedAt;
  return Math.max(0, record.servingAt - from) / 1000;
}
