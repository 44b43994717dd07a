export { Authorizer } from './access/authorizer.ts';
export {
  DEFAULT_PRINCIPALS,
  type Principal,
  principalSchema,
  principalsSchema,
} from './access/principals.ts';
export { ROLE_NAMES, ROLES, type RoleName } from './access/roles.ts';
export { TokenAuthenticator } from './access/token-authenticator.ts';
export {
  DEFAULT_TENANT_ID,
  ensureSigningKey,
  readSigningKey,
  TokenIssuer,
  VaultoverCredential,
  type VaultoverCredentialOptions,
} from './auth/index.ts';
export { CONTROL_KEYS } from './control-link/control-keys.ts';
export { LATEST_API_VERSION, SUPPORTED_API_VERSIONS } from './http/api-version.ts';
export { VaultHostResolver } from './http/vault-host.ts';
export {
  EPOCH_HEADER,
  EpochMismatchError,
  isRegionMode,
  type ModeChange,
  ModeGate,
  type ModeGateEvents,
  type ModeGateOptions,
  type ModeState,
  REGION_MODES,
  ReadOnlyRefusalError,
  type RegionMode,
  type RegionModeControl,
  RegionOfflineError,
  StaleEpochError,
  WriteFencedError,
} from './mode/index.ts';
export { acceptProxyHeaders } from './proxy-protocol/accept-proxy-header.ts';
export { proxyHeaderOf } from './proxy-protocol/proxied-connections.ts';
export {
  decodeProxyHeader,
  encodeProxyHeader,
  PP2_TYPE_VAULTOVER_EPOCH,
  type ProxyHeader,
  ProxyHeaderError,
  proxyHeaderLength,
} from './proxy-protocol/proxy-header.ts';
export { REPLICATION_DEFAULTS, type RegionNode, SERVICE_VERSION, startRegionNode } from './region-node.ts';
export type { RegionNodeOptions } from './region-options.ts';
export type { NodeReplicationStatus, ReplicationSummary } from './replication/node-replication.ts';
export {
  ensureTlsMaterial,
  SniCertificates,
  type SniCertificatesOptions,
  type TlsMaterial,
} from './tls/index.ts';
