// The contract between the control process and the region nodes: what one writes and the other reads
// (control-Redis keys and the scripts both run, the region modes and admin endpoints, the `/health`
// body, the PROXY v2 header with the failover epoch, replication's acknowledgement channel). Both sides
// import it from here, so that neither imports the other.
export { ACK_CHANNEL } from './acknowledgements.ts';
export { CONTROL_KEYS } from './control-keys.ts';
export { EPOCH_HEADER } from './epoch-header.ts';
export { type FailoverStateWrite, writeFailoverState } from './failover-state-write.ts';
export { addFaultHits, type FaultHit, faultCounters, faultHit } from './faults/fault-hit.ts';
export { FAULT_ATTEMPTS_TTL_MS, FAULT_KEYS } from './faults/fault-keys.ts';
export {
  decidedByCounters,
  FAULT_ACTION_TYPES,
  FAULT_HEADER,
  FAULT_STATES,
  type FaultAction,
  type FaultActionType,
  type FaultCounters,
  type FaultMatch,
  type FaultRule,
  type FaultRuleInput,
  type FaultSchedule,
  type FaultState,
  faultState,
  faultWindow,
  THROTTLED_BODY,
} from './faults/fault-rule.ts';
export { readFaultRules, removeFaultRules, storeFaultRule } from './faults/fault-rule-store.ts';
export {
  decodeProxyHeader,
  encodeProxyHeader,
  isMalformedProxyHeader,
  type MalformedProxyHeader,
  PP2_TYPE_VAULTOVER_EPOCH,
  type ProxyHeader,
  proxyHeaderLength,
} from './proxy-header.ts';
export { type HealthFault, type ModeAssignment, REGION_ADMIN_PATHS } from './region-admin.ts';
export type { ControlLinkHealth, RegionHealth, ReplicationHealth } from './region-health.ts';
export { isRegionMode, REGION_MODES, type RegionMode } from './region-mode.ts';
export {
  appendRequests,
  attemptsByRequestId,
  type LoggedRequest,
  REQUEST_LOG_KEY,
  REQUEST_LOG_MAX_LENGTH,
  readRequests,
} from './request-log.ts';
export { DEFAULT_LEASE_MS, type LeaseRenewal, renewLease } from './write-lease.ts';
