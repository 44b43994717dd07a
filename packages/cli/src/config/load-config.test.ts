import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_PRINCIPALS } from '@vaultover/auth';
import { FAILOVER_DEFAULTS, MONITOR_DEFAULTS } from '@vaultover/control';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.ts';
import { deploymentHostnames } from './deployment-hostnames.ts';
import { loadConfig, validateConfig } from './load-config.ts';

const EXAMPLE = fileURLToPath(new URL('../../vaultover.example.yaml', import.meta.url));

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vaultover-config-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function load(name: string, text: string) {
  await writeFile(join(dir, name), text);
  return loadConfig({ file: name, cwd: dir });
}

function errorOf(raw: unknown): string {
  try {
    validateConfig(raw, 'vaultover.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a config error');
}

describe('loadConfig', () => {
  it('gives the defaults without a file', async () => {
    const config = await loadConfig({ cwd: dir });
    expect(config).toEqual({
      dataDir: join(dir, '.vaultover'),
      tenantId: '00000000-0000-0000-0000-000000000000',
      timeScale: 1,
      logLevel: 'info',
      redis: { mode: 'embedded' },
      regions: [
        { name: 'westeurope', role: 'primary', port: 0 },
        { name: 'northeurope', role: 'secondary', port: 0 },
      ],
      vaults: [{ name: 'vaultover', retentionDays: 90, purgeProtection: false }],
      defaultVault: 'vaultover',
      hostnames: [],
      principals: DEFAULT_PRINCIPALS,
      monitor: { probeIntervalMs: 1000, probeTimeoutMs: 500, failureThreshold: 3, recoveryThreshold: 5 },
      failover: {
        failoverWindowMs: 5000,
        failbackWindowMs: 3000,
        minFailedOverMs: 10_000,
        autoFailback: true,
        failureMode: 'status',
        leaseMs: 2000,
      },
      readOnlyProfile: '2016',
      replication: { mode: 'async', syncTimeoutMs: 5000 },
      propagationDelays: { deleteRecoverMs: 0, certificateCreateMs: 0 },
      control: { port: 0, gatewayPort: 0 },
      links: { kernel: {} },
      throttling: { mode: 'off' },
      observability: { requestLog: false, prometheus: false, scrapeIntervalMs: 2000 },
      file: null,
    });
  });

  it('reads the shipped example as exactly the defaults', async () => {
    const example = await loadConfig({ file: EXAMPLE, cwd: dir });
    expect({ ...example, file: null }).toEqual(await loadConfig({ cwd: dir }));
  });

  it('reads YAML, applies defaults per entry and lower-cases vault names', async () => {
    const config = await load(
      'deploy.yaml',
      'dataDir: state\ntimeScale: 1000\nvaults:\n  - name: Shop\n    retentionDays: 7\n  - name: billing\n',
    );
    expect(config.dataDir).toBe(join(dir, 'state'));
    expect(config.timeScale).toBe(1000);
    expect(config.vaults).toEqual([
      { name: 'shop', retentionDays: 7, purgeProtection: false },
      { name: 'billing', retentionDays: 90, purgeProtection: false },
    ]);
    expect(config.defaultVault).toBe('shop');
    expect(config.file).toBe(join(dir, 'deploy.yaml'));
  });

  it('reads JSON, by extension and by content', async () => {
    const json = JSON.stringify({
      logLevel: 'warn',
      defaultVault: 'Two',
      vaults: [{ name: 'one' }, { name: 'two' }],
    });
    for (const name of ['deploy.json', 'deploy.conf']) {
      const config = await load(name, json);
      expect(config.logLevel).toBe('warn');
      expect(config.defaultVault).toBe('two');
    }
  });

  it('takes an empty file as the defaults', async () => {
    expect((await load('empty.yaml', '')).vaults).toEqual([
      { name: 'vaultover', retentionDays: 90, purgeProtection: false },
    ]);
  });

  it('names the file and the field on a bad value', async () => {
    await expect(load('vaultover.yaml', 'regions:\n  - { name: westeurope, port: abc }\n')).rejects.toThrow(
      'config error in vaultover.yaml: regions.0.port: expected a number, got "abc"',
    );
  });

  it('names the file on a syntax error and on a missing file', async () => {
    // After our prefix comes the parser's first line, in the yaml package's words (not asserted).
    await expect(load('broken.yaml', 'vaults: [\n')).rejects.toThrow(
      /^config error in broken\.yaml: not valid YAML or JSON: [^\n]+$/,
    );
    await expect(load('broken.json', '{"vaults": ')).rejects.toThrow(
      /^config error in broken\.json: not valid/,
    );
    await expect(loadConfig({ file: 'nope.yaml', cwd: dir })).rejects.toThrow(
      `config error in nope.yaml: no such file (${join(dir, 'nope.yaml')})`,
    );
  });
});

describe('validateConfig', () => {
  it('refuses unknown fields, so typos show', () => {
    expect(errorOf({ regoins: [] })).toBe('config error in vaultover.yaml: regoins: unknown field');
    expect(errorOf({ vaults: [{ name: 'abc', retention: 7 }] })).toContain(
      'vaults.0.retention: unknown field',
    );
  });

  // Found by the config fuzzer (test/fuzz/config.test.ts): an empty key read `: unknown field`, and a
  // refused value was echoed whole, 70 KB of it in one message.
  it('shows an empty key as "" and cuts a long value to 80 characters', () => {
    expect(errorOf({ monitor: { '': 1 } })).toBe('config error in vaultover.yaml: monitor."": unknown field');
    const long = 'x'.repeat(70_000);
    expect(errorOf({ defaultVault: long })).toBe(
      `config error in vaultover.yaml: defaultVault: expected a vault name: 3-24 letters, digits and hyphens, starting with a letter, ending with a letter or digit, without "--", got "${'x'.repeat(76)}…; defaultVault: "${'x'.repeat(76)}… is not one of the vaults (vaultover)`,
    );
  });

  it('refuses a bad vault name', () => {
    expect(errorOf({ vaults: [{ name: 'a--b' }] })).toMatch(
      /^config error in vaultover\.yaml: vaults\.0\.name: expected a vault name: 3-24 .*, got "a--b"$/,
    );
    expect(errorOf({ defaultVault: 'x' })).toContain('defaultVault: expected a vault name');
  });

  it('refuses a defaultVault that is not one of the vaults', () => {
    expect(errorOf({ vaults: [{ name: 'one' }, { name: 'two' }], defaultVault: 'three' })).toBe(
      'config error in vaultover.yaml: defaultVault: "three" is not one of the vaults (one, two)',
    );
  });

  it('refuses duplicate vaults, also across case', () => {
    expect(errorOf({ vaults: [{ name: 'shop' }, { name: 'SHOP' }] })).toContain(
      'vaults.1.name: duplicate vault "shop"',
    );
  });

  it.each([6, 91, 30.5])('refuses retentionDays %s', (retentionDays) => {
    expect(errorOf({ vaults: [{ name: 'shop', retentionDays }] })).toMatch(
      new RegExp(
        `^config error in vaultover\\.yaml: vaults\\.0\\.retentionDays: expected .*, got ${retentionDays}$`,
      ),
    );
  });

  it('accepts the retention bounds', () => {
    const config = validateConfig(
      {
        vaults: [
          { name: 'short', retentionDays: 7 },
          { name: 'long', retentionDays: 90 },
        ],
      },
      'x',
    );
    expect(config.vaults.map((vault) => vault.retentionDays)).toEqual([7, 90]);
  });

  it('wants exactly one primary and unique region names', () => {
    expect(errorOf({ regions: [] })).toContain(
      'regions: expected exactly one region with role "primary", got none',
    );
    expect(errorOf({ regions: [{ name: 'northeurope', role: 'secondary' }] })).toContain(
      'regions: expected exactly one region with role "primary", got none',
    );
    expect(errorOf({ regions: [{ name: 'westeurope' }, { name: 'northeurope' }] })).toContain(
      'regions: expected exactly one region with role "primary", got 2 (westeurope, northeurope)',
    );
    expect(
      errorOf({ regions: [{ name: 'westeurope' }, { name: 'westeurope', role: 'secondary' }] }),
    ).toContain('regions.1.name: duplicate region "westeurope"');
    const three = validateConfig(
      {
        regions: [
          { name: 'eastus', role: 'secondary' },
          { name: 'westus', role: 'primary' },
          { name: 'centralus', role: 'secondary' },
        ],
      },
      'x',
    );
    expect(three.regions.map(({ name, role }) => `${name}:${role}`)).toEqual([
      'eastus:secondary',
      'westus:primary',
      'centralus:secondary',
    ]);
  });

  it('checks enums, numbers and the master key', () => {
    expect(errorOf({ logLevel: 'loud' })).toContain('logLevel: expected one of "fatal", "error"');
    expect(errorOf({ timeScale: 0 })).toContain('timeScale: expected a positive number, got 0');
    expect(errorOf({ tenantId: 'x' })).toContain('tenantId: expected a GUID');
    expect(errorOf({ regions: [{ name: 'westeurope', port: 70000 }] })).toContain(
      'regions.0.port: expected a port from 0 to 65535 (0 picks a free one), got 70000',
    );
    expect(errorOf({ masterKey: 'c2hvcnQ=' })).toContain('masterKey: expected 32 bytes in base64');
    const masterKey = Buffer.alloc(32, 7).toString('base64');
    expect(validateConfig({ masterKey }, 'x').masterKey).toBe(masterKey);
  });

  it('checks external Redis URLs against the regions', () => {
    const partial = errorOf({ redis: { mode: 'external', urls: { northeurope: 'redis://h:1' } } });
    expect(partial).toContain('redis.urls.westeurope: expected a URL for region westeurope');
    expect(partial).toContain('redis.urls.control: expected a URL for the control Redis');
    expect(errorOf({ redis: { mode: 'embedded', urls: { westeurope: 'redis://h:1' } } })).toContain(
      'redis.urls: only used with mode: external',
    );
    const urls = {
      westeurope: 'redis://10.0.0.5:6379',
      northeurope: 'redis://10.0.0.6:6379',
      control: 'redis://10.0.0.7:6379',
    };
    const redis = { mode: 'external', urls };
    expect(validateConfig({ redis }, 'x').redis).toEqual(redis);
  });

  it("takes a cluster's URL for a region's store, never for the control Redis", () => {
    expect(validateConfig({ redis: { mode: 'cluster' } }, 'x').redis).toEqual({ mode: 'cluster' });
    const cluster = 'redis-cluster://10.0.0.5:7000?nodes=10.0.0.6:7000,10.0.0.7:7000';
    const urls = {
      westeurope: cluster,
      northeurope: 'redis://10.0.0.6:6379',
      control: 'redis://10.0.0.8:6379',
    };
    expect(validateConfig({ redis: { mode: 'external', urls } }, 'x').redis.urls).toEqual(urls);
    expect(errorOf({ redis: { mode: 'external', urls: { ...urls, control: cluster } } })).toContain(
      'redis.urls.control: expected one Redis server (redis://): the control Redis cannot be a cluster',
    );
    expect(
      errorOf({ redis: { mode: 'external', urls: { ...urls, westeurope: 'http://10.0.0.5' } } }),
    ).toContain('redis.urls.westeurope: expected a redis:// or redis-cluster:// URL');
  });

  it('lists every problem on one line', () => {
    const message = errorOf({ timeScale: 'fast', vaults: [{ name: 'ab' }] });
    expect(message).not.toContain('\n');
    expect(message).toContain('timeScale: expected a number, got "fast"; vaults.0.name:');
  });

  it('takes custom principals instead of the defaults', () => {
    const principals = { ci: { roles: ['Key Vault Secrets User'] } };
    expect(validateConfig({ principals }, 'x').principals).toEqual({
      ci: { roles: ['Key Vault Secrets User'], permissions: [] },
    });
  });
});

describe('validateConfig: failover sections', () => {
  it('takes the control package defaults for every section left out', () => {
    const config = validateConfig(
      { monitor: { failureThreshold: 2 }, failover: { autoFailback: false } },
      'x',
    );
    expect(config.monitor).toEqual({ ...MONITOR_DEFAULTS, failureThreshold: 2 });
    expect(config.failover).toEqual({ ...FAILOVER_DEFAULTS, autoFailback: false });
  });

  it('reads short timings, sync replication and the current read-only profile', () => {
    const config = validateConfig(
      {
        monitor: { probeIntervalMs: 100, probeTimeoutMs: 50, recoveryThreshold: 2 },
        failover: { failoverWindowMs: 0, failureMode: 'hang', leaseMs: 300 },
        readOnlyProfile: 'current',
        replication: { mode: 'sync', syncTimeoutMs: 200 },
        control: { port: 9000, gatewayPort: 9443 },
        propagationDelays: { deleteRecoverMs: 5000 },
      },
      'x',
    );
    expect(config.propagationDelays).toEqual({ deleteRecoverMs: 5000, certificateCreateMs: 0 });
    expect(config.monitor).toEqual({
      probeIntervalMs: 100,
      probeTimeoutMs: 50,
      failureThreshold: 3,
      recoveryThreshold: 2,
    });
    expect(config.failover).toMatchObject({ failoverWindowMs: 0, failureMode: 'hang', leaseMs: 300 });
    expect(config.readOnlyProfile).toBe('current');
    expect(config.replication).toEqual({ mode: 'sync', syncTimeoutMs: 200 });
    expect(config.control).toEqual({ port: 9000, gatewayPort: 9443 });
  });

  it.each([
    [{ monitor: { probeIntervalMs: 0 } }, 'monitor.probeIntervalMs: expected a positive integer, got 0'],
    [{ monitor: { failureThreshold: 1.5 } }, 'monitor.failureThreshold: expected an integer, got 1.5'],
    [{ failover: { leaseMs: -1 } }, 'failover.leaseMs: expected a positive integer, got -1'],
    [
      { failover: { failoverWindowMs: -5 } },
      'failover.failoverWindowMs: expected a whole number of milliseconds, 0 or more, got -5',
    ],
    [{ failover: { autoFailback: 'yes' } }, 'failover.autoFailback: expected true or false, got "yes"'],
    [
      { failover: { failureMode: 'drop' } },
      'failover.failureMode: expected one of "status", "reset", "hang", got "drop"',
    ],
    [{ readOnlyProfile: 2016 }, 'readOnlyProfile: expected one of "2016", "current", got 2016'],
    [
      { propagationDelays: { deleteRecoverMs: -1 } },
      'propagationDelays.deleteRecoverMs: expected a whole number of milliseconds, 0 or more, got -1',
    ],
    [
      { propagationDelays: { certificateCreateMs: 2.5 } },
      'propagationDelays.certificateCreateMs: expected an integer, got 2.5',
    ],
    [{ replication: { mode: 'semi' } }, 'replication.mode: expected one of "async", "sync", got "semi"'],
    [{ replication: { syncTimeoutMs: 0 } }, 'replication.syncTimeoutMs: expected a positive integer, got 0'],
    [
      { control: { port: 70_000 } },
      'control.port: expected a port from 0 to 65535 (0 picks a free one), got 70000',
    ],
    [{ monitor: { probeEveryMs: 5 } }, 'monitor.probeEveryMs: unknown field'],
    [
      { observability: { scrapeIntervalMs: 500 } },
      'observability.scrapeIntervalMs: expected 1000 to 5000 milliseconds, got 500',
    ],
    [
      { observability: { scrapeIntervalMs: 6000 } },
      'observability.scrapeIntervalMs: expected 1000 to 5000 milliseconds, got 6000',
    ],
  ])('refuses %j', (raw, message) => {
    expect(errorOf(raw)).toBe(`config error in vaultover.yaml: ${message}`);
  });

  it('wants the probe timeout below the probe interval', () => {
    expect(errorOf({ monitor: { probeIntervalMs: 100 } })).toBe(
      'config error in vaultover.yaml: monitor.probeTimeoutMs: expected less than monitor.probeIntervalMs (100), got 500',
    );
    expect(errorOf({ monitor: { probeIntervalMs: 200, probeTimeoutMs: 200 } })).toContain(
      'monitor.probeTimeoutMs: expected less than monitor.probeIntervalMs (200), got 200',
    );
  });

  it('refuses one fixed port for two listeners', () => {
    expect(errorOf({ control: { port: 9000, gatewayPort: 9000 } })).toBe(
      "config error in vaultover.yaml: control.gatewayPort: port 9000 is already the control API's",
    );
    expect(errorOf({ regions: [{ name: 'westeurope', port: 8443 }], control: { gatewayPort: 8443 } })).toBe(
      "config error in vaultover.yaml: control.gatewayPort: port 8443 is already region westeurope's",
    );
  });
});

describe('validateConfig: throttling', () => {
  it('reads throttling as a word or a mapping, custom limits included', async () => {
    expect((await load('real.yaml', 'throttling: real\n')).throttling).toEqual({ mode: 'real' });
    // YAML 1.2: `off` is a string, not false.
    expect((await load('off.yaml', 'throttling: off\n')).throttling).toEqual({ mode: 'off' });
    expect(validateConfig({ throttling: { mode: 'real', retryAfterSeconds: 2 } }, 'x').throttling).toEqual({
      mode: 'real',
      retryAfterSeconds: 2,
    });
    const custom = await load(
      'custom.yaml',
      [
        'throttling:',
        '  mode: custom',
        '  retryAfterSeconds: 0',
        '  limits:',
        '    secretCreate: 10',
        '    keyCreateHsm: 2',
        '    keyOpsSoftware: { rsa4096: 10, ec: 100 }',
        '',
      ].join('\n'),
    );
    expect(custom.throttling).toEqual({
      mode: 'custom',
      retryAfterSeconds: 0,
      limits: { secretCreate: 10, keyCreateHsm: 2, keyOpsSoftware: { rsa4096: 10, ec: 100 } },
    });
    // What `vaultover up` hands a region child is validated again there: the output must read back.
    expect(validateConfig({ throttling: custom.throttling }, 'x').throttling).toEqual(custom.throttling);
  });

  it.each([
    [{ throttling: 'fast' }, 'throttling.mode: expected one of "off", "real", "custom", got "fast"'],
    [
      { throttling: { mode: 'real', retryAfterSeconds: -1 } },
      'throttling.retryAfterSeconds: expected a whole number of seconds, 0 or more, got -1',
    ],
    [
      { throttling: { retryAfterSeconds: 1.5 } },
      'throttling.retryAfterSeconds: expected an integer, got 1.5',
    ],
    [
      { throttling: { mode: 'custom', limits: { secretCreate: 0 } } },
      'throttling.limits.secretCreate: expected a positive integer (requests per 10 seconds), got 0',
    ],
    [
      { throttling: { mode: 'custom', limits: { keyOpsHsm: { rsa2048: 'many' } } } },
      'throttling.limits.keyOpsHsm.rsa2048: expected a number, got "many"',
    ],
    [
      { throttling: { mode: 'custom', limits: { keyOpsSoftware: { rsa1024: 5 } } } },
      'throttling.limits.keyOpsSoftware.rsa1024: unknown field',
    ],
    [
      { throttling: { mode: 'real', limits: { secretCreate: 5 } } },
      'throttling.limits: only with mode custom (mode is real): the real limits are fixed',
    ],
    [
      {
        throttling: {
          mode: 'custom',
          limits: { keyOpsSoftware: { rsa2048: 999_983, rsa3072: 999_979, rsa4096: 999_961, ec: 999_959 } },
        },
      },
      'throttling.limits: the key-operation limits (999983, 999979, 999961, 999959, 2000, 500, 250, 2000) have no common multiple up to 1000000000000, so they cannot be weighed exactly: use rounder numbers',
    ],
    [{ throttling: { mode: 'real', burst: 5 } }, 'throttling.burst: unknown field'],
  ])('refuses throttling %j', (raw, message) => {
    expect(errorOf(raw)).toBe(`config error in vaultover.yaml: ${message}`);
  });
});

const EXTERNAL = {
  mode: 'external',
  urls: {
    westeurope: 'redis://198.18.0.2:6379',
    northeurope: 'redis://198.18.0.3:6379',
    control: 'redis://198.18.0.4:6379',
  },
};

/** A deployment in network namespaces of its own, as test/netns builds one. */
const NAMESPACED = {
  redis: EXTERNAL,
  regions: [
    { name: 'westeurope', role: 'primary', port: 8443, host: '198.18.0.2', netns: 'vo-1-ab-westeurope' },
    { name: 'northeurope', role: 'secondary', port: 8443, host: '198.18.0.3', netns: 'vo-1-ab-northeurope' },
  ],
  control: { port: 9443, gatewayPort: 8443, host: '198.18.0.4', netns: 'vo-1-ab-control' },
  links: {
    host: '198.18.0.1',
    kernel: { 'westeurope-net': { netns: 'vo-1-ab-westeurope', device: 'eth0', peer: 'westeurope' } },
  },
};

describe('validateConfig: addresses, namespaces and kernel links', () => {
  it('reads a deployment in namespaces: one port per address, so every namespace may use 8443', () => {
    const config = validateConfig(NAMESPACED, 'vaultover.yaml');
    expect(config.regions[0]).toEqual({
      name: 'westeurope',
      role: 'primary',
      port: 8443,
      host: '198.18.0.2',
      netns: 'vo-1-ab-westeurope',
    });
    expect(config.control).toEqual(NAMESPACED.control);
    expect(config.links).toEqual(NAMESPACED.links);
    // Every process's certificate covers every address, the gateway's included.
    expect(deploymentHostnames({ ...config, hostnames: ['vault.example'] })).toEqual([
      'vault.example',
      '198.18.0.2',
      '198.18.0.3',
      '198.18.0.4',
    ]);
  });

  it('wants one IP address to listen on, never the unspecified one', () => {
    expect(errorOf({ control: { host: 'localhost' } })).toBe(
      'config error in vaultover.yaml: control.host: expected one IP address to listen on and be reached at, such as 198.18.0.2 (not 0.0.0.0 or ::), got "localhost"',
    );
    expect(errorOf({ regions: [{ name: 'westeurope', host: '0.0.0.0' }] })).toContain(
      'regions.0.host: expected one IP address',
    );
  });

  it('checks namespace and interface names', () => {
    expect(errorOf({ control: { netns: '../etc', host: '198.18.0.4' } })).toContain(
      'control.netns: expected a network namespace name',
    );
    const device = { netns: 'vo-a', device: 'a-name-longer-than-15', peer: 'eth0' };
    expect(errorOf({ links: { kernel: { 'west-net': device } } })).toContain(
      'links.kernel.west-net.device: expected a network interface name',
    );
  });

  it('wants an address with a namespace, external Redis, and links.host for a namespaced secondary', () => {
    const message = errorOf({
      regions: [
        { name: 'westeurope', role: 'primary' },
        { name: 'northeurope', role: 'secondary', netns: 'vo-north' },
      ],
    });
    expect(message).toContain(
      'regions.1.host: required with netns: the address of namespace vo-north that region northeurope is reached at',
    );
    expect(message).toContain(
      'redis.mode: expected external (servers you run in the namespaces) while region northeurope runs in network namespace vo-north: an embedded Redis is not reachable there',
    );
    expect(message).toContain(
      'links.host: required while region northeurope runs in a network namespace: the address its replicator reaches the link proxy at',
    );
  });

  it('refuses a kernel link under the name of the client link or of a replication link', () => {
    const pair = { netns: 'vo-a', device: 'eth0', peer: 'west' };
    expect(errorOf({ links: { kernel: { 'global-endpoint': pair } } })).toBe(
      'config error in vaultover.yaml: links.kernel.global-endpoint: global-endpoint is already the name of a link of the deployment',
    );
    expect(errorOf({ links: { kernel: { 'westeurope-to-northeurope': pair } } })).toContain(
      'westeurope-to-northeurope is already the name of a link of the deployment',
    );
  });

  it('still refuses one port twice on one address', () => {
    expect(
      errorOf({
        ...NAMESPACED,
        regions: [NAMESPACED.regions[0], { ...NAMESPACED.regions[1], host: '198.18.0.2' }],
      }),
    ).toBe("config error in vaultover.yaml: regions.1.port: port 8443 is already region westeurope's");
  });
});
