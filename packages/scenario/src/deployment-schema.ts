import { z } from 'zod';

// `deployment:` overrides of the `vaultover up` config, same section names and field names. Only the
// sections a scenario has reason to change are accepted (timings, replication, throttling, the read-only
// profile), every field optional: what is left out keeps the config's value. The config schema lives in
// packages/cli, above this package, so the fields are repeated here; a test in packages/cli checks that
// each one accepted here is a field of the config with the same type. Ranges beyond "positive" and
// cross-field rules (probe timeout below the interval) are the config's to check when the run starts.

const POSITIVE = 'expected a positive integer';
const NON_NEGATIVE = 'expected a whole number of milliseconds, 0 or more';

const positive = () => z.number({ error: POSITIVE }).int({ error: POSITIVE }).positive({ error: POSITIVE });
const nonNegative = () =>
  z.number({ error: NON_NEGATIVE }).int({ error: NON_NEGATIVE }).min(0, { error: NON_NEGATIVE });

/** The config's FAILURE_MODES (packages/control's gateway). */
export const FAILURE_MODES = ['status', 'reset', 'hang'] as const;
/** The config's REPLICATION_MODES. */
export const REPLICATION_MODES = ['async', 'sync'] as const;
/** The config's THROTTLING_MODES (packages/region's throttling settings). */
export const THROTTLING_MODES = ['off', 'real', 'custom'] as const;
/** The config's READ_ONLY_PROFILES (packages/vault). */
export const READ_ONLY_PROFILES = ['2016', 'current'] as const;

const monitor = z.strictObject({
  probeIntervalMs: positive().optional(),
  probeTimeoutMs: positive().optional(),
  failureThreshold: positive().optional(),
  recoveryThreshold: positive().optional(),
});

const failover = z.strictObject({
  failoverWindowMs: nonNegative().optional(),
  failbackWindowMs: nonNegative().optional(),
  minFailedOverMs: nonNegative().optional(),
  autoFailback: z.boolean().optional(),
  failureMode: z.enum(FAILURE_MODES).optional(),
  leaseMs: positive().optional(),
});

const replication = z.strictObject({
  mode: z.enum(REPLICATION_MODES).optional(),
  syncTimeoutMs: positive().optional(),
});

const limit = positive().optional();
const keyOperationLimits = z
  .strictObject({ rsa2048: limit, rsa3072: limit, rsa4096: limit, ec: limit })
  .optional();

// The config takes `throttling: real` as short for `{ mode: real }`; so does a scenario.
const throttling = z.union([
  z.enum(THROTTLING_MODES),
  z.strictObject({
    mode: z.enum(THROTTLING_MODES).optional(),
    retryAfterSeconds: z.number().int().min(0).optional(),
    limits: z
      .strictObject({
        secretCreate: limit,
        vaultOther: limit,
        keyCreateSoftware: limit,
        keyCreateHsm: limit,
        keyOpsSoftware: keyOperationLimits,
        keyOpsHsm: keyOperationLimits,
      })
      .optional(),
  }),
]);

/** The `deployment:` section. */
export const deploymentSchema = z.strictObject({
  monitor: monitor.optional(),
  failover: failover.optional(),
  replication: replication.optional(),
  throttling: throttling.optional(),
  readOnlyProfile: z.enum(READ_ONLY_PROFILES).optional(),
  propagationDelays: z
    .strictObject({
      deleteRecoverMs: z.number().int().min(0).optional(),
      certificateCreateMs: z.number().int().min(0).optional(),
    })
    .optional(),
});

export type DeploymentOverrides = z.output<typeof deploymentSchema>;
