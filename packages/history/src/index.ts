// The history checker: operations as clients saw them and the checks a history must pass under a
// nemesis (docs/reliability.md).
export { checkHistory, type RunEnd } from './check-history.ts';
export type { Anomaly, CheckName, Operation } from './history.ts';
export { phantomReads, staleReads } from './reads.ts';
export { duplicatedUnknowns, type FinalState, lostWrites, type ReportedLoss, splitBrain } from './writes.ts';
