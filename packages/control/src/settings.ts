// The control process's settings and their defaults, without loading the process itself (express,
// BullMQ, ioredis): for config validation in commands that never start a control process.
export { REGION_PROCESS_FAULTS, type RegionProcessFault } from './api/region-processes.ts';
export { CLIENT_LINK_NAME } from './gateway/client-link-name.ts';
export { FAILURE_MODES, type FailureMode } from './gateway/route-source.ts';
export { MONITOR_DEFAULTS, type MonitorSettings } from './monitor/health-monitor.ts';
export { FAILOVER_DEFAULTS, type FailoverSettings } from './orchestrator/failover-settings.ts';
