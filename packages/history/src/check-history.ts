import type { Anomaly, Operation } from './history.ts';
import { phantomReads, staleReads } from './reads.ts';
import { duplicatedUnknowns, type FinalState, lostWrites, type ReportedLoss, splitBrain } from './writes.ts';

/** What a run ends with, besides its history. */
export interface RunEnd {
  /** The replication mode the deployment ran. */
  mode: 'sync' | 'async';
  /** Every value each key holds in its versions, read once the deployment is back in normal and caught up. */
  final: FinalState;
  reported: ReportedLoss;
}

/** Every check of docs/reliability.md over one history: the anomalies, none when the run was correct. */
export function checkHistory(history: readonly Operation[], end: RunEnd): Anomaly[] {
  return [
    ...phantomReads(history),
    ...staleReads(history),
    ...splitBrain(history),
    ...lostWrites(history, end.final, end.mode, end.reported),
    ...duplicatedUnknowns(history, end.final),
  ];
}
