export { REGION_PROCESS_FAULTS, type RegionProcesses } from './api/region-processes.ts';
export type { ControlStatus } from './api/status-report.ts';
export type { ControlOptions, ControlRegion } from './control-options.ts';
export { type ControlProcess, FAULT_EXPIRY_CHECK_MS, startControl } from './control-process.ts';
export type { ControlEvent, EventKind } from './events/event-log.ts';
// What clients of the control API read: the status report's failover record, ISO times. (The persisted
// FailoverState carries the same record with epoch-ms times.)
export type {
  FailoverRecordJson as FailoverRecord,
  RpoReportJson as RpoReport,
} from './failover/failover-json.ts';
export { FAILOVER_STATES, type FailoverState, type FailoverStateName } from './failover/failover-state.ts';
export { FailoverStore } from './failover/failover-store.ts';
export type { TransitionEvent } from './failover/transition-events.ts';
export {
  IllegalTransitionError,
  TRANSITION_TABLE,
  type TransitionName,
} from './failover/transition-table.ts';
export {
  FAULT_METHODS,
  type FaultInputContext,
  parseFaultRuleInput,
} from './faults/fault-input.ts';
export type { FaultRuleJson } from './faults/fault-rule-json.ts';
export type { ClientLink } from './gateway/client-link.ts';
export { CLIENT_LINK_NAME } from './gateway/client-link-name.ts';
export {
  GatewayError,
  type GatewayErrorCode,
  GatewayListenError,
  UpstreamError,
} from './gateway/errors.ts';
export { type Gateway, startGateway } from './gateway/gateway.ts';
export { GATEWAY_OUTCOMES, type GatewayOutcome } from './gateway/gateway-metrics.ts';
export { GATEWAY_DEFAULTS, type GatewayOptions } from './gateway/gateway-options.ts';
export {
  FAILURE_MODES,
  type FailureMode,
  type RouteDecision,
  type RouteSource,
} from './gateway/route-source.ts';
export { MONITOR_DEFAULTS, type MonitorSettings } from './monitor/health-monitor.ts';
export { FAILOVER_DEFAULTS, type FailoverSettings } from './orchestrator/failover-settings.ts';
