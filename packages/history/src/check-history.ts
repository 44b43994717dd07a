import { cryptoMismatches } from './crypto.ts';
import type { Anomaly, Operation } from './history.ts';
import { phantomReads, staleReads } from './reads.ts';
import { shrinkingVersions } from './versions.ts';
import {
  appliedFailures,
  duplicatedUnknowns,
  type FinalState,
  lostWrites,
  type ReportedLoss,
  splitBrain,
} from './writes.ts';

/** What a run ends with, besides its history. */
export interface RunEnd {
  /** The replication mode the deployment ran. */
  mode: 'sync' | 'async';
  /** Every value each key holds in its versions, read once the deployment is back in normal and caught up. */
  final: FinalState;
  /** What the failovers of the run reported lost, net of what the failbacks recovered. */
  reported: ReportedLoss;
  /** The secondary's state read while failed over, once per failover whose state was read. */
  failovers?: readonly FailoverSnapshot[];
}

/** One failover's promised loss, against what the promoted secondary held. */
export interface FailoverSnapshot {
  /** The operations invoked from `since` until `promotedAt` (ms, the history's clock) are checked. */
  since: number;
  /** When the secondary started serving. */
  promotedAt: number;
  /** Every value each key held in its versions, read from the promoted secondary. */
  state: FinalState;
  /** This failover's own report (its rpo), not netted. */
  reported: ReportedLoss;
}

/** Every check of docs/reliability.md over one history: the anomalies, none when the run was correct. */
export function checkHistory(history: readonly Operation[], end: RunEnd): Anomaly[] {
  return [
    ...phantomReads(history),
    ...staleReads(history),
    ...splitBrain(history),
    ...lostWrites(history, end.final, end.mode, end.reported),
    ...(end.failovers ?? []).flatMap((failover) =>
      lostWrites(
        history.filter((op) => op.invokedAt >= failover.since && op.invokedAt < failover.promotedAt),
        failover.state,
        end.mode,
        failover.reported,
      ).map((anomaly) => ({
        ...anomaly,
        detail: `at the failover promoted at ${failover.promotedAt}: ${anomaly.detail}`,
      })),
    ),
    ...duplicatedUnknowns(history, end.final),
    ...appliedFailures(history, end.final),
    ...shrinkingVersions(history),
    ...cryptoMismatches(history),
  ];
}
