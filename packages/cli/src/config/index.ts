export {
  CONFIG_DEFAULTS,
  LOG_LEVELS,
  type LogLevel,
  REDIS_MODES,
  REGION_ROLES,
  REPLICATION_MODES,
  type RedisMode,
  type RegionRole,
  type ReplicationMode,
} from './config-defaults.ts';
export { ConfigError } from './config-error.ts';
export type { ConfigInput, ParsedConfig } from './config-schema.ts';
export { deploymentHostnames } from './deployment-hostnames.ts';
export {
  type LoadConfigOptions,
  loadConfig,
  readConfigInput,
  type VaultoverConfig,
  validateConfig,
} from './load-config.ts';
export { isValidVaultName } from './vault-name.ts';
