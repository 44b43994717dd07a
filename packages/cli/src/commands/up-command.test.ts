import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:https';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretClient } from '@azure/keyvault-secrets';
import { SERVER_NODE_FLAGS, serverProcessEnv } from '@vaultover/foundation';
import { redisUrlFromEndpoints } from '@vaultover/local-redis';
import { eventually, isProcessAlive, pollUntil, withRedisClient } from '@vaultover/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliProcess, runCliProcess, startCli } from '../test-support/cli-process.ts';
import type { Endpoints } from '../topology/endpoints.ts';

// The real CLI as a child process: embedded Redis, one child process per region, the real SDK client.

const READY_TIMEOUT_MS = 30_000;
const EMBEDDED = { VAULTOVER_REDIS: 'embedded' };

let cwd: string;
let up: CliProcess | undefined;

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'vaultover-up-'));
  await writeFile(
    join(cwd, 'deploy.yaml'),
    `dataDir: ${join(cwd, 'state')}\nlogLevel: warn\nvaults:\n  - { name: shop, retentionDays: 7 }\n`,
  );
});

afterAll(async () => {
  if (up && up.child.exitCode === null) up.child.kill('SIGKILL');
  await rm(cwd, { recursive: true, force: true });
});

/** The fields of `GET /replication/status` this test reads. */
interface ReplicationStatus {
  region: string;
  role: string;
  lagEntries: number | null;
  link: string;
  lastError: string | null;
  digests: Record<string, string>;
}

function httpsGet(url: string, ca: string, token?: string): Promise<{ status: number; body: string }> {
  const headers = token === undefined ? {} : { authorization: `Bearer ${token}` };
  return new Promise((resolve, reject) => {
    get(url, { ca, headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

/**
 * An administrator's token (`vaultover token admin` with `config`), the deployment's CA, and a SecretClient
 * of that administrator at the global endpoint (with the SDK's retries, unless `retries: false`).
 */
async function adminAtGateway(
  endpoints: Endpoints,
  config: string,
  options: { retries?: false } = {},
): Promise<{ token: string; ca: string; client: SecretClient }> {
  const ca = await readFile(endpoints.caFile, 'utf8');
  const token = (await runCliProcess(['token', 'admin', '--config', config], cwd)).stdout.trim();
  const credential = { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) };
  const client = new SecretClient(endpoints.gateway, credential, {
    disableChallengeResourceVerification: true,
    ...(options.retries === false ? { retryOptions: { maxRetries: 0 } } : {}),
    tlsOptions: { ca },
  });
  return { token, ca, client };
}

async function readyEndpoints(cli: CliProcess): Promise<Endpoints> {
  const line = await cli.waitForLine('vaultover ready ', READY_TIMEOUT_MS);
  expect(cli.stdout()).toBe(`${line}\n`);
  return JSON.parse(line.slice('vaultover ready '.length)) as Endpoints;
}

// Whole deployments of real processes: on a busy 2-core machine a start alone can take seconds.
describe('vaultover up', { timeout: 90_000 }, () => {
  it('runs the default pair as separate processes until SIGINT, then stops everything it started', async () => {
    up = startCli(['up', '--config', 'deploy.yaml'], cwd, EMBEDDED);
    const endpoints = await readyEndpoints(up);
    const endpointsFile = join(cwd, '.vaultover', 'endpoints.json');
    expect(JSON.parse(await readFile(endpointsFile, 'utf8'))).toEqual(endpoints);
    expect(endpoints).toMatchObject({
      regions: { westeurope: { role: 'primary' }, northeurope: { role: 'secondary' } },
      dataDir: join(cwd, 'state'),
      caFile: join(cwd, 'state', 'tls', 'ca.pem'),
      pid: up.child.pid,
      links: { proxies: { northeurope: 'westeurope-to-northeurope' } },
      prometheus: null,
    });
    expect(endpoints.links.api).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const primary = endpoints.regions.westeurope?.url as string;
    const secondary = endpoints.regions.northeurope?.url as string;
    // The global endpoint and the control API are the control process's, not a region's.
    const control = endpoints.control as string;
    expect(control).toMatch(/^https:\/\/localhost:\d+$/);
    expect(endpoints.gateway).toMatch(/^https:\/\/localhost:\d+$/);
    expect(new Set([endpoints.gateway, control, primary, secondary]).size).toBe(4);
    expect(endpoints.metrics).toEqual([`${primary}/metrics`, `${secondary}/metrics`, `${control}/metrics`]);
    expect(endpoints.vaults).toEqual({ shop: endpoints.gateway.replace('localhost', 'shop.localhost') });

    // Two region processes and a control process of their own, three redis-servers (two regions and
    // the control Redis).
    const childPids = [
      ...Object.values(endpoints.regions).map(({ pid }) => pid),
      endpoints.controlPid as number,
    ];
    const redisPids = Object.values(endpoints.redis).map(({ pid }) => pid as number);
    expect(Object.keys(endpoints.redis).sort()).toEqual(['control', 'northeurope', 'westeurope']);
    expect(new Set([...childPids, up.child.pid]).size).toBe(4);
    expect(new Set(redisPids).size).toBe(3);
    for (const pid of [...childPids, ...redisPids]) expect(isProcessAlive(pid)).toBe(true);
    // The children are servers: they run with a server's Node flags and environment (docs/benchmarks.md#memory).
    for (const pid of childPids) {
      const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
      expect(argv.slice(1, 1 + SERVER_NODE_FLAGS.length)).toEqual(SERVER_NODE_FLAGS);
      const environ = (await readFile(`/proc/${pid}/environ`, 'utf8')).split('\0');
      for (const [name, value] of Object.entries(serverProcessEnv()))
        expect(environ).toContain(`${name}=${process.env[name] ?? value}`);
    }

    const ca = await readFile(endpoints.caFile, 'utf8');
    for (const [name, { url, role }] of Object.entries(endpoints.regions)) {
      const health = await httpsGet(`${url}/health`, ca);
      expect(health.status).toBe(200);
      expect(JSON.parse(health.body)).toMatchObject({ region: name, role });
    }
    // Without --prometheus the Prometheus folder is still written, for a Prometheus of the user's own.
    const targets = async (job: string) =>
      JSON.parse(
        await readFile(join(cwd, 'state', 'prometheus', 'targets', `${job}.json`), 'utf8'),
      ) as unknown;
    expect(await targets('vaultover-region')).toEqual([
      { targets: [new URL(primary).host], labels: { region: 'westeurope' } },
      { targets: [new URL(secondary).host], labels: { region: 'northeurope' } },
    ]);
    expect(await targets('vaultover-control')).toEqual([{ targets: [new URL(control).host], labels: {} }]);
    expect(await targets('vaultover-links')).toEqual([
      { targets: [new URL(endpoints.links.api).host], labels: {} },
    ]);
    expect(await targets('redis')).toEqual([]);
    expect(await readFile(join(cwd, 'state', 'prometheus', 'prometheus.yml'), 'utf8')).toMatch(
      /scrape_interval: 2s\n/,
    );
    const { token, client } = await adminAtGateway(endpoints, 'deploy.yaml');
    // The replication links' API is the administrators', as the control API is.
    expect((await fetch(`${endpoints.links.api}/proxies`)).status).toBe(401);
    const proxies = (await (
      await fetch(`${endpoints.links.api}/proxies`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as Record<string, unknown>;
    expect(proxies['westeurope-to-northeurope']).toMatchObject({
      enabled: true,
      upstream: new URL(endpoints.redis.westeurope?.url as string).host,
    });

    await client.setSecret('db-password', 'hunter2');
    expect((await client.getSecret('db-password')).value).toBe('hunter2');

    // Replicated through the link proxy: the secondary catches up and holds the same vault state.
    const status = async (url: string) =>
      JSON.parse((await httpsGet(`${url}/replication/status`, ca, token)).body) as ReplicationStatus;
    const caughtUp = await eventually(async () => {
      const current = await status(secondary);
      expect(current).toMatchObject({ lagEntries: 0, digests: { shop: expect.any(String) } });
      return current;
    });
    expect(caughtUp).toMatchObject({ region: 'northeurope', role: 'secondary', link: 'up', lastError: null });
    expect(caughtUp.digests.shop).toBe((await status(primary)).digests.shop);

    up.child.kill('SIGINT');
    expect(await up.exited).toBe(0);
    expect(existsSync(endpointsFile)).toBe(false);
    expect(existsSync(join(cwd, 'state', 'prometheus', 'targets', 'vaultover-region.json'))).toBe(false);
    for (const pid of [...childPids, ...redisPids]) {
      await pollUntil(`process ${pid} to be gone`, () => !isProcessAlive(pid), { timeoutMs: 5_000 });
    }
    expect(up.stderr()).toContain('vaultover: starting redis for westeurope, northeurope, control');
    expect(up.stderr()).toContain(`vaultover: westeurope ready at ${primary}`);
    expect(up.stderr()).toContain(`vaultover: northeurope ready at ${secondary}`);
    expect(up.stderr()).toContain(`export NODE_EXTRA_CA_CERTS=${endpoints.caFile}`);
    expect(up.stderr()).toContain('vaultover: stopped');
  });

  it('leaves no region process and no redis-server behind when the supervisor is SIGKILLed', async () => {
    up = startCli(['up', '--config', 'deploy.yaml'], cwd, EMBEDDED);
    const endpoints = await readyEndpoints(up);
    const pids = [
      ...Object.values(endpoints.regions).map(({ pid }) => pid),
      endpoints.controlPid as number,
      ...Object.values(endpoints.redis).map(({ pid }) => pid as number),
    ];
    expect(pids).toHaveLength(6);
    up.child.kill('SIGKILL');
    await up.exited;
    for (const pid of pids)
      await pollUntil(`process ${pid} to be gone`, () => !isProcessAlive(pid), { timeoutMs: 10_000 });
    // The stale endpoints file names a dead pid: the next `up` in this directory replaces it.
    await rm(join(cwd, '.vaultover', 'endpoints.json'), { force: true });
  });

  it('exits 1 with the reason when start-up fails, leaving no Redis behind', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      await writeFile(
        join(cwd, 'busy.yaml'),
        `dataDir: state\nregions:\n  - { name: westeurope, port: ${port} }\n`,
      );
      const { code, stdout, stderr } = await runCliProcess(['up', '-c', 'busy.yaml'], cwd, EMBEDDED);
      expect(code).toBe(1);
      expect(stdout).toBe('');
      // Vaultover's words around the reason, not Node's wording of the listen error.
      expect(stderr).toContain('vaultover: could not start region westeurope: ');
      expect(stderr).toContain('(the port is taken: set another regions[].port or control port');
      expect(stderr).not.toMatch(/\n\s+at /);
      const redisPid = Number(/redis 'westeurope' ready at \S+ \(pid (\d+)\)/.exec(stderr)?.[1]);
      expect(redisPid).toBeGreaterThan(0);
      await pollUntil(`redis-server ${redisPid} to be gone`, () => !isProcessAlive(redisPid), {
        timeoutMs: 5_000,
      });
      expect(existsSync(join(cwd, '.vaultover', 'endpoints.json'))).toBe(false);
    } finally {
      blocker.close();
    }
  });

  it('exits 2 before starting anything when the config has more regions than one failover pair', async () => {
    await writeFile(
      join(cwd, 'three.yaml'),
      'regions:\n  - { name: westeurope }\n  - { name: northeurope, role: secondary }\n  - { name: uksouth, role: secondary }\n',
    );
    const { code, stdout, stderr } = await runCliProcess(['up', '--config', 'three.yaml'], cwd, EMBEDDED);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `vaultover: config ${join(cwd, 'three.yaml')} has 3 regions; vaultover up fails over one pair: ` +
        'keep one primary and one secondary (or run the others with vaultover region)\n',
    );
  });

  it('exits 2 naming the field on a bad config', async () => {
    await writeFile(join(cwd, 'bad.yaml'), 'regions:\n  - { name: westeurope, port: abc }\n');
    const { code, stderr } = await runCliProcess(['up', '--config', 'bad.yaml'], cwd);
    expect(code).toBe(2);
    expect(stderr).toBe(
      'vaultover: config error in bad.yaml: regions.0.port: expected a number, got "abc"\n',
    );
  });

  it("throttles at the real limits with --throttling real, whatever the config's mode", async () => {
    // Alone, this config would refuse the second secret creation of each 10 seconds.
    await writeFile(
      join(cwd, 'throttled.yaml'),
      `dataDir: ${join(cwd, 'state-throttled')}\nlogLevel: warn\nregions:\n  - { name: westeurope }\n` +
        'vaults:\n  - { name: shop }\nthrottling: { mode: custom, limits: { secretCreate: 1 } }\n',
    );
    up = startCli(['up', '--config', 'throttled.yaml', '--throttling', 'real'], cwd, EMBEDDED);
    const endpoints = await readyEndpoints(up);
    const { client } = await adminAtGateway(endpoints, 'throttled.yaml', { retries: false });
    await client.setSecret('first', '1');
    await client.setSecret('second', '2');
    // Both counted in the region's window for the vault's secret creations.
    const redisUrl = await redisUrlFromEndpoints(
      endpoints.redis.westeurope?.url as string,
      endpoints.dataDir,
    );
    expect(await withRedisClient(redisUrl, (redis) => redis.zcard('vo:throttle:{shop}:secret-create'))).toBe(
      2,
    );
    up.child.kill('SIGINT');
    expect(await up.exited).toBe(0);
  });

  // Each process on an address of its own (regions[].host, control.host, links.host), as regions in
  // network namespaces are (docs/network-namespaces.md); here loopback addresses other than 127.0.0.1,
  // which need no root.
  it('listens on the addresses of its config, names them in every URL and replicates through links.host', async () => {
    await writeFile(
      join(cwd, 'addresses.yaml'),
      [
        `dataDir: ${join(cwd, 'state-addresses')}`,
        'logLevel: warn',
        'vaults: [{ name: shop }]',
        'regions:',
        '  - { name: westeurope, role: primary, host: 127.0.0.2 }',
        '  - { name: northeurope, role: secondary, host: 127.0.0.3 }',
        'control: { host: 127.0.0.4 }',
        'links: { host: 127.0.0.5 }',
        '',
      ].join('\n'),
    );
    up = startCli(['up', '--config', 'addresses.yaml'], cwd, EMBEDDED);
    const endpoints = await readyEndpoints(up);
    const primary = endpoints.regions.westeurope?.url as string;
    const secondary = endpoints.regions.northeurope?.url as string;
    expect(primary).toMatch(/^https:\/\/127\.0\.0\.2:\d+$/);
    expect(secondary).toMatch(/^https:\/\/127\.0\.0\.3:\d+$/);
    expect(endpoints.control).toMatch(/^https:\/\/127\.0\.0\.4:\d+$/);
    expect(endpoints.gateway).toMatch(/^https:\/\/127\.0\.0\.4:\d+$/);
    // An address has no sub-names: the vault's own name stays <vault>.localhost on the gateway's port.
    expect(endpoints.vaults).toEqual({ shop: `https://shop.localhost:${new URL(endpoints.gateway).port}` });

    // Through the global endpoint on its address to the primary on its own: each certificate check
    // passes against the address the client dialled.
    const { token, ca, client } = await adminAtGateway(endpoints, 'addresses.yaml');
    const proxies = (await (
      await fetch(`${endpoints.links.api}/proxies`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as Record<string, { listen: string }>;
    expect(proxies['westeurope-to-northeurope']?.listen).toMatch(/^127\.0\.0\.5:\d+$/);
    await client.setSecret('db-password', 'hunter2');
    expect((await client.getSecret('db-password')).value).toBe('hunter2');
    const digest = async (url: string) =>
      (JSON.parse((await httpsGet(`${url}/replication/status`, ca, token)).body) as ReplicationStatus).digests
        .shop;
    const written = await digest(primary);
    await eventually(async () => expect(await digest(secondary)).toBe(written), { timeoutMs: 15_000 });

    up.child.kill('SIGINT');
    expect(await up.exited).toBe(0);
  });

  it('exits 2 on a --throttling mode it does not know', async () => {
    const { code, stdout, stderr } = await runCliProcess(['up', '--throttling', 'fast'], cwd);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(
      "option '--throttling <mode>' argument 'fast' is invalid. Allowed choices are real, off.",
    );
  });
});
