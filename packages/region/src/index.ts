export { Authorizer } from './access/authorizer.ts';
export {
  DEFAULT_PRINCIPALS,
  type Principal,
  principalSchema,
  principalsSchema,
} from './access/principals.ts';
export { ROLE_NAMES, ROLES, type RoleName } from './access/roles.ts';
export {
  DEFAULT_TENANT_ID,
  ensureSigningKey,
  readSigningKey,
  TokenIssuer,
  VaultoverCredential,
  type VaultoverCredentialOptions,
} from './auth/index.ts';
export { LATEST_API_VERSION, SUPPORTED_API_VERSIONS } from './http/api-version.ts';
export { REPLICATION_DEFAULTS, type RegionNode, SERVICE_VERSION, startRegionNode } from './region-node.ts';
export type { RegionNodeOptions } from './region-options.ts';
export type { NodeReplicationStatus, ReplicationSummary } from './replication/node-replication.ts';
export { ensureTlsMaterial } from './tls/index.ts';
