import type { FailoverRecord, RpoReport } from './failover-state.ts';

// Inside the control process every time is epoch milliseconds; what leaves it (the control API's status,
// the event stream, logs) carries ISO strings. These are the shapes that leave, and the conversions.

/** An RpoReport as the control API reports it: `newestLostCommitTime` is ISO. */
export interface RpoReportJson extends Omit<RpoReport, 'newestLostCommitTime'> {
  newestLostCommitTime: string | null;
}

/** A FailoverRecord as `GET /api/status` reports it (docs/control-api.md): times are ISO. */
export interface FailoverRecordJson
  extends Omit<
    FailoverRecord,
    'detectedAt' | 'triggeredAt' | 'startedAt' | 'servingAt' | 'failbackStartedAt' | 'endedAt' | 'rpo'
  > {
  detectedAt: string | null;
  triggeredAt: string | null;
  startedAt: string;
  servingAt: string | null;
  failbackStartedAt: string | null;
  endedAt: string | null;
  rpo: RpoReportJson | null;
}

export function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : isoOf(ms);
}

export function rpoReportJson(rpo: RpoReport): RpoReportJson {
  return { ...rpo, newestLostCommitTime: isoOrNull(rpo.newestLostCommitTime) };
}

export function failoverRecordJson(record: FailoverRecord): FailoverRecordJson {
  return {
    ...record,
    detectedAt: isoOrNull(record.detectedAt),
    triggeredAt: isoOrNull(record.triggeredAt),
    startedAt: isoOf(record.startedAt),
    servingAt: isoOrNull(record.servingAt),
    failbackStartedAt: isoOrNull(record.failbackStartedAt),
    endedAt: isoOrNull(record.endedAt),
    rpo: record.rpo && rpoReportJson(record.rpo),
  };
}
