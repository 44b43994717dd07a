import { ROLE_NAMES } from '@vaultover/auth';
import { isValidVaultName, LOG_LEVELS, REPLICATION_MODES } from '@vaultover/cli';
import { FAILURE_MODES } from '@vaultover/control/settings';
import { READ_ONLY_PROFILES } from '@vaultover/vault';
import fc from 'fast-check';

// Valid deployment configs (docs: packages/cli/vaultover.example.yaml), every field optional as in the
// file: the fuzzer mutates them one part at a time, so that each refusal is about one field.

const regionName = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/).filter((name) => name !== 'control');
const vaultName = fc
  .stringMatching(/^[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,6})?[a-z0-9]$/)
  .filter((name) => isValidVaultName(name));
const principalName = fc.stringMatching(/^[a-zA-Z0-9._-]{1,12}$/).filter((name) => name !== '__proto__');
/** Fixed ports for up to three regions and the two control listeners, all different (0 picks one). */
const fixedPorts = fc.uniqueArray(fc.integer({ min: 1, max: 65_535 }), { minLength: 5, maxLength: 5 });

const regionsAndPorts = fc
  .tuple(fc.uniqueArray(regionName, { minLength: 1, maxLength: 3 }), fixedPorts, fc.boolean())
  .map(([names, ports, fixed]) => ({
    regions: names.map((name, i) => ({
      name,
      role: i === 0 ? 'primary' : 'secondary',
      port: fixed ? (ports[i] as number) : 0,
    })),
    control: fixed
      ? { port: ports[3] as number, gatewayPort: ports[4] as number }
      : { port: 0, gatewayPort: 0 },
  }));

const vaults = fc.uniqueArray(
  fc.record(
    { name: vaultName, retentionDays: fc.integer({ min: 7, max: 90 }), purgeProtection: fc.boolean() },
    { requiredKeys: ['name'] },
  ),
  { minLength: 1, maxLength: 3, selector: (vault) => vault.name },
);

const monitor = fc
  .tuple(
    fc.integer({ min: 2, max: 100_000 }),
    fc.nat(),
    fc.integer({ min: 1, max: 20 }),
    fc.integer({ min: 1, max: 20 }),
  )
  .map(([probeIntervalMs, timeout, failureThreshold, recoveryThreshold]) => ({
    probeIntervalMs,
    probeTimeoutMs: 1 + (timeout % (probeIntervalMs - 1)),
    failureThreshold,
    recoveryThreshold,
  }));

const milliseconds = fc.integer({ min: 0, max: 600_000 });

const failover = fc.record(
  {
    failoverWindowMs: milliseconds,
    failbackWindowMs: milliseconds,
    minFailedOverMs: milliseconds,
    autoFailback: fc.boolean(),
    failureMode: fc.constantFrom(...FAILURE_MODES),
    leaseMs: fc.integer({ min: 1, max: 60_000 }),
  },
  { requiredKeys: [] },
);

const principals = fc.dictionary(
  principalName,
  fc.record(
    {
      roles: fc.subarray([...ROLE_NAMES]),
      permissions: fc.subarray(['recover', 'purge', 'listDeleted']),
    },
    { requiredKeys: [] },
  ),
  { maxKeys: 4 },
);

// Only the unweighted limits: weighted ones must share a small common multiple (a cross-field rule).
const throttling = fc.oneof(
  fc.constantFrom('off', 'real', 'custom'),
  fc.record(
    {
      mode: fc.constant('custom'),
      retryAfterSeconds: fc.integer({ min: 0, max: 3600 }),
      limits: fc.record(
        {
          secretCreate: fc.integer({ min: 1, max: 10_000 }),
          vaultOther: fc.integer({ min: 1, max: 10_000 }),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: ['mode'] },
  ),
);

const masterKey = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map((bytes) => Buffer.from(bytes).toString('base64'));

/** A config that `validateConfig` must accept, as a parsed YAML or JSON file would hold it. */
export const validConfigDocument: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    regionsAndPorts,
    vaults,
    fc.nat(),
    fc.boolean(),
    fc.record(
      {
        dataDir: fc.string({ minLength: 1, maxLength: 30 }),
        tenantId: fc.uuid(),
        timeScale: fc.double({ min: 0.001, max: 1e6, noNaN: true }),
        logLevel: fc.constantFrom(...LOG_LEVELS),
        hostnames: fc.array(fc.string({ minLength: 1, maxLength: 20 }), { maxLength: 3 }),
        principals,
        masterKey,
        monitor,
        failover,
        readOnlyProfile: fc.constantFrom(...READ_ONLY_PROFILES),
        replication: fc.record(
          {
            mode: fc.constantFrom(...REPLICATION_MODES),
            syncTimeoutMs: fc.integer({ min: 1, max: 60_000 }),
          },
          { requiredKeys: [] },
        ),
        throttling,
        observability: fc.record(
          {
            requestLog: fc.boolean(),
            prometheus: fc.boolean(),
            scrapeIntervalMs: fc.integer({ min: 1000, max: 5000 }),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    ),
    fc.boolean(),
  )
  .map(([{ regions, control }, vaultList, defaultIndex, withDefault, rest, external]) => ({
    ...rest,
    regions,
    control,
    vaults: vaultList,
    ...(withDefault
      ? { defaultVault: (vaultList[defaultIndex % vaultList.length] as { name: string }).name }
      : {}),
    redis: external
      ? {
          mode: 'external',
          urls: Object.fromEntries(
            [...regions.map((region) => region.name), 'control'].map((name, i) => [
              name,
              `redis://127.0.0.1:${6379 + i}/0`,
            ]),
          ),
        }
      : { mode: 'embedded' },
  }));
