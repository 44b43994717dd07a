// One region node: the vault's HTTPS API (data plane and management plane) over its own Redis, its mode
// gate (read-write, read-only, standby, offline; the write fence), its side of replication, /health and
// /metrics. Composed by the CLI; the control process talks to it only through @vaultover/contract.
export { LATEST_API_VERSION, SUPPORTED_API_VERSIONS } from './http/api-version.ts';
export { acceptProxyHeaders } from './proxy-protocol/accept-proxy-header.ts';
export { proxyHeaderOf } from './proxy-protocol/proxied-connections.ts';
export {
  REPLICATION_DEFAULTS,
  type RegionNode,
  regionCertificateNames,
  SERVICE_VERSION,
  startRegionNode,
} from './region-node.ts';
export type { RegionNodeOptions } from './region-options.ts';
export type { NodeReplicationStatus, ReplicationSummary } from './replication/node-replication.ts';
export type {
  CustomThrottleLimits,
  KeyOperationLimits,
  ThrottleLimits,
  ThrottlingMode,
  ThrottlingSettings,
} from './throttling/throttle-settings.ts';
