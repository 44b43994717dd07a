// The history checker: operations as clients saw them and the checks a history must pass under a
// nemesis (docs/reliability.md).
export { checkHistory, type FailoverSnapshot, type RunEnd } from './check-history.ts';
export { cryptoMismatches } from './crypto.ts';
export { type Anomaly, CHANGE_KINDS, type CheckName, type Operation, type OperationKind } from './history.ts';
export { phantomReads, staleReads } from './reads.ts';
export { shrinkingVersions } from './versions.ts';
export {
  appliedFailures,
  duplicatedUnknowns,
  type FinalState,
  lostWrites,
  type ReportedLoss,
  splitBrain,
} from './writes.ts';
