import { principalsSchema } from '@vaultover/auth';
import { READ_ONLY_PROFILES } from '@vaultover/vault';
import { z } from 'zod';
import {
  CONFIG_DEFAULTS,
  LOG_LEVELS,
  REDIS_MODES,
  REGION_DEFAULTS,
  REGION_ROLES,
  REPLICATION_MODES,
  VAULT_DEFAULTS,
} from './config-defaults.ts';
import { controlSchema, failoverSchema, monitorSchema } from './control-sections.ts';
import { checkCrossFields } from './cross-field-checks.ts';
import { hostSchema, linksSchema, netnsSchema } from './network-section.ts';
import { throttlingSchema } from './throttling-section.ts';
import { vaultNameSchema } from './vault-name.ts';

// Azure region names: lower-case letters and digits (westeurope, eastus2); hyphens tolerated.
const REGION_NAME = /^[a-z][a-z0-9-]{0,39}$/;

const PORT_RANGE = 'expected a port from 0 to 65535 (0 picks a free one)';

const regionSchema = z.strictObject({
  name: z.string().regex(REGION_NAME, { message: 'expected a region name such as "westeurope"' }),
  role: z.enum(REGION_ROLES).default(REGION_DEFAULTS.role),
  port: z
    .number()
    .int()
    .min(0, { message: PORT_RANGE })
    .max(65_535, { message: PORT_RANGE })
    .default(REGION_DEFAULTS.port),
  /** The address the region node listens on and is reached at; loopback when absent. */
  host: hostSchema.optional(),
  /** The Linux network namespace `vaultover up` runs the region node in; its own when absent. */
  netns: netnsSchema.optional(),
});

const vaultSchema = z.strictObject({
  name: vaultNameSchema,
  retentionDays: z
    .number()
    .int()
    .min(7, { message: 'expected 7 to 90 days' })
    .max(90, { message: 'expected 7 to 90 days' })
    .default(VAULT_DEFAULTS.retentionDays),
  purgeProtection: z.boolean().default(VAULT_DEFAULTS.purgeProtection),
});

const redisSchema = z.strictObject({
  mode: z.enum(REDIS_MODES).default(CONFIG_DEFAULTS.redisMode),
  /** External mode: one URL per region name; else env VAULTOVER_REDIS_URLS. */
  urls: z
    .record(
      z.string(),
      z.url({ protocol: /^(rediss?|redis-cluster)$/, error: 'expected a redis:// or redis-cluster:// URL' }),
    )
    .optional(),
});

const masterKeySchema = z
  .string()
  .refine((key) => /^[A-Za-z0-9+/]+={0,2}$/.test(key) && Buffer.from(key, 'base64').length === 32, {
    message: 'expected 32 bytes in base64 (openssl rand -base64 32)',
  });

const SYNC_TIMEOUT = 'expected a positive integer';

const replicationSchema = z.strictObject({
  mode: z.enum(REPLICATION_MODES).default(CONFIG_DEFAULTS.replication.mode),
  syncTimeoutMs: z
    .number()
    .int({ error: SYNC_TIMEOUT })
    .positive({ error: SYNC_TIMEOUT })
    .default(CONFIG_DEFAULTS.replication.syncTimeoutMs),
});

const DELAY = 'expected a whole number of milliseconds, 0 or more';

/** How long deletes, recovers, purges and self-signed creations take to show, in simulated ms (docs/vault-api.md). */
const propagationDelaysSchema = z.strictObject({
  deleteRecoverMs: z
    .number()
    .int({ error: DELAY })
    .min(0, { error: DELAY })
    .default(CONFIG_DEFAULTS.propagationDelays.deleteRecoverMs),
  certificateCreateMs: z
    .number()
    .int({ error: DELAY })
    .min(0, { error: DELAY })
    .default(CONFIG_DEFAULTS.propagationDelays.certificateCreateMs),
});

const SCRAPE_INTERVAL = 'expected 1000 to 5000 milliseconds';

const observabilitySchema = z.strictObject({
  requestLog: z.boolean().default(CONFIG_DEFAULTS.observability.requestLog),
  prometheus: z.boolean().default(CONFIG_DEFAULTS.observability.prometheus),
  // Faster than 1 s is more load than a laptop deployment is worth; slower than 5 s blurs a failover window.
  scrapeIntervalMs: z
    .number()
    .int({ error: SCRAPE_INTERVAL })
    .min(1000, { error: SCRAPE_INTERVAL })
    .max(5000, { error: SCRAPE_INTERVAL })
    .default(CONFIG_DEFAULTS.observability.scrapeIntervalMs),
});

/** The deployment config file, as written; see vaultover.example.yaml. */
export const configSchema = z
  .strictObject({
    dataDir: z.string().min(1, { message: 'expected a directory path' }).default(CONFIG_DEFAULTS.dataDir),
    tenantId: z
      .guid({ message: 'expected a GUID (8-4-4-4-12 hex digits)' })
      .default(CONFIG_DEFAULTS.tenantId),
    timeScale: z
      .number()
      .positive({ message: 'expected a positive number' })
      .default(CONFIG_DEFAULTS.timeScale),
    logLevel: z.enum(LOG_LEVELS).default(CONFIG_DEFAULTS.logLevel),
    redis: redisSchema.default(() => ({ mode: CONFIG_DEFAULTS.redisMode })),
    regions: z.array(regionSchema).default(() => structuredClone(CONFIG_DEFAULTS.regions)),
    vaults: z
      .array(vaultSchema)
      .min(1, { message: 'expected at least one vault' })
      .default(() => structuredClone(CONFIG_DEFAULTS.vaults)),
    defaultVault: vaultNameSchema.optional(),
    hostnames: z.array(z.string().min(1)).default(() => [...CONFIG_DEFAULTS.hostnames]),
    principals: principalsSchema.default(() => structuredClone(CONFIG_DEFAULTS.principals)),
    masterKey: masterKeySchema.optional(),
    monitor: monitorSchema.default(() => ({ ...CONFIG_DEFAULTS.monitor })),
    failover: failoverSchema.default(() => ({ ...CONFIG_DEFAULTS.failover })),
    readOnlyProfile: z.enum(READ_ONLY_PROFILES).default(CONFIG_DEFAULTS.readOnlyProfile),
    replication: replicationSchema.default(() => ({ ...CONFIG_DEFAULTS.replication })),
    propagationDelays: propagationDelaysSchema.default(() => ({ ...CONFIG_DEFAULTS.propagationDelays })),
    control: controlSchema.default(() => ({ ...CONFIG_DEFAULTS.control })),
    links: linksSchema.default(() => structuredClone(CONFIG_DEFAULTS.links)),
    throttling: throttlingSchema.default(() => ({ ...CONFIG_DEFAULTS.throttling })),
    observability: observabilitySchema.default(() => ({ ...CONFIG_DEFAULTS.observability })),
  })
  .superRefine(checkCrossFields)
  .transform(({ defaultVault, ...config }) => ({
    ...config,
    defaultVault: defaultVault ?? (config.vaults[0]?.name as string),
  }));

/** The config file's content before validation. */
export type ConfigInput = z.input<typeof configSchema>;

/** A validated config with every default applied; `dataDir` is still as written. */
export type ParsedConfig = z.output<typeof configSchema>;
