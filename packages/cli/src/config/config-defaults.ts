// The one place the config reads the control package. Its index loads express, BullMQ and ioredis
// (seconds): `vaultover token` would be lighter with a small settings entry point there.

import { DEFAULT_PRINCIPALS, DEFAULT_TENANT_ID, type Principal } from '@vaultover/auth';
import { FAILOVER_DEFAULTS, FAILURE_MODES, MONITOR_DEFAULTS } from '@vaultover/control/settings';
import type { ThrottlingMode } from '@vaultover/region/settings';
import { DEFAULT_RETENTION_DAYS, type ReadOnlyProfile } from '@vaultover/vault';

/** pino levels a region node can log at. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

import type { RedisMode } from './redis-modes.ts';

export { REDIS_MODES, type RedisMode } from './redis-modes.ts';

export const REGION_ROLES = ['primary', 'secondary'] as const;
export type RegionRole = (typeof REGION_ROLES)[number];

/** How the global endpoint fails requests during a failover or failback window. */
export { FAILURE_MODES };

/** How a primary acknowledges writes: at once (`async`) or once every secondary applied them (`sync`). */
export const REPLICATION_MODES = ['async', 'sync'] as const;
export type ReplicationMode = (typeof REPLICATION_MODES)[number];

/** Defaults of one `regions` entry. */
export const REGION_DEFAULTS = { role: 'primary' as RegionRole, port: 0 };

/** Defaults of one `vaults` entry. */
export const VAULT_DEFAULTS = { retentionDays: DEFAULT_RETENTION_DAYS, purgeProtection: false };

/**
 * Every default of the deployment config, in one place; `vaultover.example.yaml` spells the same
 * values out (a test keeps the two equal). `defaultVault` defaults to the first vault and `masterKey`
 * to a key generated into the data directory, so neither appears here.
 */
export const CONFIG_DEFAULTS = {
  dataDir: '.vaultover',
  tenantId: DEFAULT_TENANT_ID,
  timeScale: 1,
  logLevel: 'info' as LogLevel,
  redisMode: 'embedded' as RedisMode,
  // A real Azure region pair: the primary replicates to its paired secondary.
  regions: [
    { name: 'westeurope', role: 'primary' as RegionRole, port: 0 },
    { name: 'northeurope', role: 'secondary' as RegionRole, port: 0 },
  ],
  vaults: [{ name: 'vaultover', ...VAULT_DEFAULTS }],
  hostnames: [] as string[],
  principals: DEFAULT_PRINCIPALS as Record<string, Principal>,
  // The control process owns these timings; the config only exposes them.
  monitor: { ...MONITOR_DEFAULTS },
  failover: { ...FAILOVER_DEFAULTS },
  readOnlyProfile: '2016' as ReadOnlyProfile,
  // Changes show at once unless asked for: the real service's few seconds would slow every test and demo.
  propagationDelays: { deleteRecoverMs: 0, certificateCreateMs: 0 },
  replication: { mode: 'async' as ReplicationMode, syncTimeoutMs: 5000 },
  control: { port: 0, gatewayPort: 0 },
  // No link the kernel carries unless the config names one (docs/network-namespaces.md).
  links: {
    kernel: {} as Record<string, { netns: string; device: string; peer: string; peerNetns?: string }>,
  },
  // Like other emulators: no throttling unless asked for (docs/chaos.md#throttling).
  throttling: { mode: 'off' as ThrottlingMode },
  // The request log costs a write per request batch: on for scenarios, off otherwise. Prometheus is a
  // process and a database more: on when asked for (`vaultover up --prometheus`).
  observability: { requestLog: false, prometheus: false, scrapeIntervalMs: 2000 },
};
