import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:https';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretClient } from '@azure/keyvault-secrets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliProcess, isAlive, runCliProcess, startCli, waitUntil } from '../test-support/cli-process.ts';
import type { Endpoints } from '../topology/endpoints.ts';

// The real CLI as a child process: embedded Redis, HTTPS region node, the real SDK client.

const READY_TIMEOUT_MS = 20_000;
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

function httpsGet(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { ca }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

describe('vaultover up', () => {
  it('serves until SIGINT, then stops everything it started', async () => {
    up = startCli(['up', '--config', 'deploy.yaml'], cwd, EMBEDDED);
    const line = await up.waitForLine('vaultover ready ', READY_TIMEOUT_MS);
    const endpoints = JSON.parse(line.slice('vaultover ready '.length)) as Endpoints;
    const endpointsFile = join(cwd, '.vaultover', 'endpoints.json');
    expect(JSON.parse(await readFile(endpointsFile, 'utf8'))).toEqual(endpoints);
    expect(up.stdout()).toBe(`${line}\n`);
    expect(endpoints).toMatchObject({
      regions: { westeurope: { role: 'primary' } },
      control: null,
      dataDir: join(cwd, 'state'),
      caFile: join(cwd, 'state', 'tls', 'ca.pem'),
      pid: up.child.pid,
    });
    const region = endpoints.regions.westeurope?.url as string;
    expect(endpoints.gateway).toBe(region);
    expect(endpoints.metrics).toEqual([`${region}/metrics`]);
    expect(endpoints.vaults).toEqual({ shop: region.replace('localhost', 'shop.localhost') });

    const ca = await readFile(endpoints.caFile, 'utf8');
    const health = await httpsGet(`${region}/health`, ca);
    expect(health.status).toBe(200);
    expect(health.body).toContain('"region":"westeurope"');

    const token = (await runCliProcess(['token', 'admin', '--config', 'deploy.yaml'], cwd)).stdout.trim();
    const credential = { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) };
    const client = new SecretClient(endpoints.gateway, credential, {
      disableChallengeResourceVerification: true,
      tlsOptions: { ca },
    });
    await client.setSecret('db-password', 'hunter2');
    expect((await client.getSecret('db-password')).value).toBe('hunter2');

    const redisPid = endpoints.redis.westeurope?.pid as number;
    expect(isAlive(redisPid)).toBe(true);
    up.child.kill('SIGINT');
    expect(await up.exited).toBe(0);
    expect(existsSync(endpointsFile)).toBe(false);
    await waitUntil(() => !isAlive(redisPid), 5_000, `redis-server ${redisPid} to be gone`);
    expect(up.stderr()).toContain('vaultover: starting redis for westeurope');
    expect(up.stderr()).toContain(`vaultover: westeurope ready at ${region}`);
    expect(up.stderr()).toContain(`export NODE_EXTRA_CA_CERTS=${endpoints.caFile}`);
    expect(up.stderr()).toContain('vaultover: stopped');
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
      expect(stderr).toContain(`vaultover: could not start region westeurope: listen EADDRINUSE`);
      expect(stderr).not.toMatch(/\n\s+at /);
      const redisPid = Number(/redis 'westeurope' ready at \S+ \(pid (\d+)\)/.exec(stderr)?.[1]);
      expect(redisPid).toBeGreaterThan(0);
      await waitUntil(() => !isAlive(redisPid), 5_000, `redis-server ${redisPid} to be gone`);
      expect(existsSync(join(cwd, '.vaultover', 'endpoints.json'))).toBe(false);
    } finally {
      blocker.close();
    }
  });

  it('exits 2 naming the field on a bad config', async () => {
    await writeFile(join(cwd, 'bad.yaml'), 'regions:\n  - { name: westeurope, port: abc }\n');
    const { code, stderr } = await runCliProcess(['up', '--config', 'bad.yaml'], cwd);
    expect(code).toBe(2);
    expect(stderr).toBe(
      'vaultover: config error in bad.yaml: regions.0.port: expected a number, got "abc"\n',
    );
  });
});
