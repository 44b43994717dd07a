import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretClient } from '@azure/keyvault-secrets';
import { VaultoverCredential } from '@vaultover/auth';
import type { ControlStatus } from '@vaultover/control';
import { bearerCall, eventually, isProcessAlive, pollUntil } from '@vaultover/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliProcess, runCliProcess, startCli } from '../test-support/cli-process.ts';
import type { Endpoints } from '../topology/endpoints.ts';

// `vaultover up` with its control process: the SDK through the global endpoint, the status command,
// and a crash and restart of the primary through the control API (served by the supervisor over IPC).

const READY_TIMEOUT_MS = 30_000;
// Short timings: a crash is noticed in ~0.2 s, the windows last 0.3 s, failback after 0.5 s.
const FAST = `logLevel: warn
monitor: { probeIntervalMs: 100, probeTimeoutMs: 80, failureThreshold: 2, recoveryThreshold: 2 }
failover: { failoverWindowMs: 300, failbackWindowMs: 300, minFailedOverMs: 500, leaseMs: 400 }
`;

let cwd: string;
let up: CliProcess | undefined;

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'vaultover-up-control-'));
  await writeFile(join(cwd, 'fast.yaml'), `dataDir: ${join(cwd, 'state')}\n${FAST}`);
});

afterAll(async () => {
  if (up && up.child.exitCode === null) up.child.kill('SIGKILL');
  await rm(cwd, { recursive: true, force: true });
});

const post = (url: string, ca: string, token: string) => bearerCall('POST', url, ca, token);

async function status(): Promise<ControlStatus> {
  const { code, stdout, stderr } = await runCliProcess(['status', '--json'], cwd);
  if (code !== 0) throw new Error(`vaultover status exited ${code}: ${stderr}`);
  return JSON.parse(stdout) as ControlStatus;
}

/** Polls the control API (not the CLI: a process per poll would blur the timings). */
async function waitForState(
  api: { url: string; ca: string; token: string },
  state: ControlStatus['state'],
  timeoutMs: number,
): Promise<ControlStatus> {
  return eventually(
    async () => {
      const current = JSON.parse(
        (await bearerCall('GET', `${api.url}/api/status`, api.ca, api.token)).body,
      ) as ControlStatus;
      expect(current.state).toBe(state);
      return current;
    },
    { timeoutMs, intervalMs: 50 },
  );
}

async function endpointsFile(): Promise<Endpoints> {
  return JSON.parse(await readFile(join(cwd, '.vaultover', 'endpoints.json'), 'utf8')) as Endpoints;
}

// Whole deployments of real processes: on a busy 2-core machine a start alone can take seconds.
describe('vaultover up with the control process', { timeout: 90_000 }, () => {
  it('serves the SDK through the global endpoint, fails over on a crash and back after a restart', async () => {
    up = startCli(['up', '--config', 'fast.yaml'], cwd, { VAULTOVER_REDIS: 'embedded' });
    const line = await up.waitForLine('vaultover ready ', READY_TIMEOUT_MS);
    const endpoints = JSON.parse(line.slice('vaultover ready '.length)) as Endpoints;
    const ca = await readFile(endpoints.caFile, 'utf8');
    const client = new SecretClient(
      endpoints.gateway,
      new VaultoverCredential({ principal: 'officer', dataDir: endpoints.dataDir }),
      { disableChallengeResourceVerification: true, tlsOptions: { ca } },
    );
    await client.setSecret('db-password', 'hunter2');
    expect((await client.getSecret('db-password')).value).toBe('hunter2');

    const normal = await status();
    expect(normal).toMatchObject({
      state: 'normal',
      serving: 'westeurope',
      regions: { westeurope: { healthy: true }, northeurope: { healthy: true } },
    });

    // Crash the primary: its process dies, the secondary takes over read-only and serves the read.
    const primary = endpoints.regions.westeurope as Endpoints['regions'][string];
    const token = (await runCliProcess(['token', 'admin', '--config', 'fast.yaml'], cwd)).stdout.trim();
    const crash = await post(`${endpoints.control}/api/regions/westeurope/crash`, ca, token);
    expect({ status: crash.status, body: crash.body }).toEqual({
      status: 200,
      body: JSON.stringify({ region: 'westeurope', fault: 'crash' }),
    });
    await pollUntil(`the primary (pid ${primary.pid}) to be gone`, () => !isProcessAlive(primary.pid), {
      timeoutMs: 5_000,
    });
    const api = { url: endpoints.control as string, ca, token };
    const failedOver = await waitForState(api, 'failed-over', 10_000);
    expect(failedOver).toMatchObject({ serving: 'northeurope', regions: { westeurope: { healthy: false } } });
    expect((await client.getSecret('db-password')).value).toBe('hunter2');
    expect(isProcessAlive(up.child.pid as number)).toBe(true);

    // Restart it: same URL, a new pid in endpoints.json, and the vault fails back on its own.
    const restart = await post(`${endpoints.control}/api/regions/westeurope/restart`, ca, token);
    expect(restart.status).toBe(200);
    const restarted = (await endpointsFile()).regions.westeurope as Endpoints['regions'][string];
    expect(restarted.url).toBe(primary.url);
    expect(restarted.pid).not.toBe(primary.pid);
    expect(isProcessAlive(restarted.pid)).toBe(true);
    await waitForState(api, 'normal', 10_000);
    await client.setSecret('db-password', 'after-failback');
    expect((await client.getSecret('db-password')).value).toBe('after-failback');

    const events = await runCliProcess(['events'], cwd);
    expect(events.stdout).toMatch(/ fault +region=westeurope fault=crash\n/);
    expect(events.stdout).toMatch(/ transition +from=failing-over to=failed-over /);
    expect(events.stdout).toMatch(/ transition +from=failing-back to=normal /);

    // A second control process, started by hand against this deployment: it serves, but holds no
    // region processes, so their faults are refused with the reason.
    const alone = startCli(
      ['control', '--config', 'fast.yaml', '--endpoints', '.vaultover/endpoints.json'],
      cwd,
    );
    try {
      const ready = JSON.parse(
        (await alone.waitForLine('vaultover control ready ', READY_TIMEOUT_MS)).slice(
          'vaultover control ready '.length,
        ),
      ) as { gateway: string; control: string; pid: number };
      expect(ready.pid).toBe(alone.child.pid);
      expect(ready.control).not.toBe(endpoints.control);
      const refused = await post(`${ready.control}/api/regions/westeurope/crash`, ca, token);
      expect(refused.status).toBe(503);
      expect(refused.body).toContain('started alone');
      expect(isProcessAlive(restarted.pid)).toBe(true);
    } finally {
      alone.child.kill('SIGTERM');
    }
    expect(await alone.exited).toBe(0);

    up.child.kill('SIGINT');
    expect(await up.exited).toBe(0);
    for (const pid of [restarted.pid, endpoints.controlPid as number]) {
      await pollUntil(`process ${pid} to be gone`, () => !isProcessAlive(pid), { timeoutMs: 5_000 });
    }
    expect(up.stderr()).toContain('vaultover: region westeurope (pid');
    expect(up.stderr()).toContain('crashed on request (SIGKILL)');
    expect(up.stderr()).not.toContain('exited unexpectedly');
  });

  it('exits 1 naming the control process when it cannot start, and stops the regions and Redis', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as AddressInfo;
    try {
      await writeFile(join(cwd, 'busy.yaml'), `dataDir: state\nlogLevel: warn\ncontrol: { port: ${port} }\n`);
      const { code, stdout, stderr } = await runCliProcess(['up', '-c', 'busy.yaml'], cwd, {
        VAULTOVER_REDIS: 'embedded',
      });
      expect(code).toBe(1);
      expect(stdout).toBe('');
      // Vaultover's words around the reason, not Node's wording of the listen error.
      expect(stderr).toContain('vaultover: could not start the control process: ');
      expect(stderr).toContain('(the port is taken: set another regions[].port or control port');
      expect(stderr).not.toContain('exited unexpectedly');
      const redisPids = [...stderr.matchAll(/redis '\w+' ready at \S+ \(pid (\d+)\)/g)].map(([, pid]) =>
        Number(pid),
      );
      expect(redisPids).toHaveLength(3);
      for (const pid of redisPids)
        await pollUntil(`redis-server ${pid} to be gone`, () => !isProcessAlive(pid), { timeoutMs: 5_000 });
    } finally {
      blocker.close();
    }
  });
});
