// The load generator: real Azure SDK clients (or the user's own module) with real retry policies, an
// operation mix drawn from a seed, open- or closed-loop pacing, a record per call and live figures.
// No YAML and no scenario notions: the scenario package and `vaultover load` hand it plain specs.
export { type CallRecord, type CallSink, gaveUp } from './call-record.ts';
export { type ClientSummary, ClientTally, summarizeClient } from './client-summary.ts';
export {
  ClientModuleInvalidError,
  LoadError,
  type LoadErrorCode,
  LoadSetupFailedError,
  LoadSpecInvalidError,
} from './errors.ts';
export { LIVE_WINDOW_MS, type LiveFigures } from './live-figures.ts';
export {
  DEFAULT_STOP_GRACE_MS,
  type LoadOptions,
  type PreparedLoad,
  prepareLoad,
  type RunningLoad,
} from './load-generator.ts';
export { CALL_OUTCOMES, type CallOutcome, callOutcome, LoadMetrics } from './load-metrics.ts';
export {
  type ClientKind,
  DEFAULT_MAX_IN_FLIGHT,
  DEFAULT_PRINCIPAL,
  DEFAULT_TIMEOUT_MS,
  type LoadClientSpec,
  OPERATIONS,
  type Pacing,
  RETRY_DEFAULTS,
  RETRY_POLICIES,
  type RetriedBy,
  type RetryPolicyName,
  type RetrySpec,
  retriedBy,
} from './load-spec.ts';
export type { LoadTarget } from './load-target.ts';
export { type AcknowledgedWrite, missingWrites } from './missing-writes.ts';
export { type OperationMix, operationMix } from './operation-mix.ts';
export { percentile } from './percentile.ts';
export type { UserCallContext, UserClientFunction } from './user-module.ts';
