import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretClient } from '@azure/keyvault-secrets';
import { VaultoverCredential } from '@vaultover/auth';
import type { Endpoints } from '@vaultover/cli';
import { type CliProcess, runCliProcess, startUp } from '@vaultover/cli/test-support';
import { FAULT_HEADER } from '@vaultover/contract';
import { LATEST_API_VERSION as API_VERSION } from '@vaultover/region';
import { bearerCall, eventually, isProcessAlive, pollUntil } from '@vaultover/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Fault rules as a user drives them: `vaultover up`, rules added with `vaultover fault` and the control
// API, the real SecretClient through the global endpoint. What the region side does action by action is
// test/region/fault-rules.test.ts; this file shows the parts only a whole deployment has: a rule reaches
// both regions, its counts are exact across them, and it outlives the processes that apply it.

const SCOPE = 'https://vault.azure.net/.default';
let cwd: string;
let up: CliProcess;
let endpoints: Endpoints;
let ca: string;
let admin: VaultoverCredential;

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'vaultover-fault-rules-'));
  const started = await startUp(cwd);
  up = started.process;
  endpoints = started.endpoints;
  ca = await readFile(endpoints.caFile, 'utf8');
  admin = new VaultoverCredential({ principal: 'admin', dataDir: endpoints.dataDir });
}, 90_000);

afterAll(async () => {
  if (up && up.child.exitCode === null) {
    up.child.kill('SIGINT');
    await up.exited;
  }
  await rm(cwd, { recursive: true, force: true });
});

/** One HTTPS request with the admin's token; the status, the fault header and the body. */
async function call(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  body?: unknown,
): Promise<{ status: number; fault: string | undefined; json: unknown }> {
  const token = (await admin.getToken(SCOPE))?.token ?? '';
  const reply = await bearerCall(method, url, ca, token, body);
  return {
    status: reply.status,
    fault: reply.headers[FAULT_HEADER] as string | undefined,
    json: reply.body ? JSON.parse(reply.body) : undefined,
  };
}

const cli = (args: string[]) =>
  runCliProcess(['fault', ...args, '--endpoints', '.vaultover/endpoints.json'], cwd);

function secrets(): SecretClient {
  return new SecretClient(endpoints.gateway, admin, {
    disableChallengeResourceVerification: true,
    retryOptions: { retryDelayInMs: 10, maxRetryDelayInMs: 50 },
    tlsOptions: { ca },
  } as ConstructorParameters<typeof SecretClient>[2]);
}

describe('fault rules in a deployment', { timeout: 90_000 }, () => {
  it('fails the first two attempts of each SDK call (vaultover fault add), and the third succeeds', async () => {
    await secrets().setSecret('fr-up-retry', 'value');
    const added = await cli([
      'add',
      '--name',
      'two-attempts',
      '--operations',
      'SecretGet',
      '--status',
      '503',
      '--per-request',
      '2',
      '--json',
    ]);
    expect(added.code).toBe(0);
    const rule = JSON.parse(added.stdout) as { id: string; hits: number; state: string };
    expect(rule.state).toBe('active');
    try {
      // Rules reach the regions within milliseconds; poll rather than assume.
      await eventually(async () => {
        expect(
          (await call('GET', `${endpoints.gateway}/secrets/fr-up-retry?api-version=${API_VERSION}`)).fault,
        ).toBe(rule.id);
      });
      const before = (await call('GET', `${endpoints.control}/api/faults/${rule.id}`)).json as {
        hits: number;
      };
      expect((await secrets().getSecret('fr-up-retry')).value).toBe('value');
      const after = (await call('GET', `${endpoints.control}/api/faults/${rule.id}`)).json as {
        hits: number;
      };
      expect(after.hits - before.hits).toBe(2);
    } finally {
      expect((await cli(['rm', rule.id])).code).toBe(0);
    }
  });

  it('hits exactly `times` requests among 50 concurrent ones sent to both regions', async () => {
    const added = await call('POST', `${endpoints.control}/api/faults`, {
      name: 'seven',
      match: { operations: ['SecretList'] },
      action: { type: 'error', status: 500, code: 'InternalError', message: 'injected' },
      schedule: { times: 7 },
    });
    expect(added.status).toBe(201);
    const id = (added.json as { id: string }).id;
    const urls = Object.values(endpoints.regions).map((region) => region.url);
    expect(urls).toHaveLength(2);
    // Both regions apply rules before their mode gate, so the standby counts too. The probes that see
    // the rule arrive are hits themselves: every answer carrying the rule's id counts.
    const answers: { fault: string | undefined }[] = [];
    const list = (url: string) => call('GET', `${url}/secrets?api-version=${API_VERSION}`);
    await pollUntil('both regions apply the rule', async () => {
      const probes = await Promise.all(urls.map(list));
      answers.push(...probes);
      return probes.every((probe) => probe.fault === id);
    });
    answers.push(...(await Promise.all(Array.from({ length: 50 }, (_, i) => list(urls[i % 2] as string)))));
    expect(answers.filter((answer) => answer.fault === id)).toHaveLength(7);
    const stored = (await call('GET', `${endpoints.control}/api/faults/${id}`)).json;
    expect(stored).toMatchObject({ hits: 7, state: 'expired' });
    await call('DELETE', `${endpoints.control}/api/faults/${id}`);
  });

  it('outlives a restart of the control process and of a region', async () => {
    const added = await call('POST', `${endpoints.control}/api/faults`, {
      name: 'sticky',
      match: { operations: ['SecretGet'], vaults: Object.keys(endpoints.vaults) },
      action: { type: 'throttle' },
    });
    expect(added.status).toBe(201);
    const id = (added.json as { id: string }).id;
    const probe = `${endpoints.gateway}/secrets/fr-up-sticky?api-version=${API_VERSION}`;
    await eventually(async () => expect((await call('GET', probe)).status).toBe(429));

    // The control process: killed, restarted by `vaultover up` on the same ports.
    const controlPid = endpoints.controlPid as number;
    process.kill(controlPid, 'SIGKILL');
    await pollUntil('the old control process is gone', () => !isProcessAlive(controlPid));
    await eventually(
      async () => expect((await call('GET', `${endpoints.control}/api/faults/${id}`)).status).toBe(200),
      {
        timeoutMs: 30_000,
      },
    );
    // The primary region: restarted through the control API, back on the same port.
    expect((await call('POST', `${endpoints.control}/api/regions/westeurope/restart`)).status).toBe(200);
    await eventually(async () => expect((await call('GET', probe)).status).toBe(429), { timeoutMs: 30_000 });
    expect((await call('GET', probe)).fault).toBe(id);
    await call('DELETE', `${endpoints.control}/api/faults`);
    await eventually(async () => expect((await call('GET', probe)).status).toBe(404));
  });
});

describe('client-link toxics in a deployment', { timeout: 90_000 }, () => {
  const link = (args: string[]) =>
    runCliProcess(['link', ...args, '--endpoints', '.vaultover/endpoints.json'], cwd);

  it('vaultover link adds latency to the open connections of the global endpoint, and removes it', async () => {
    const client = secrets();
    // Opens the SDK's keep-alive connection. On a busy machine the region restart above may have failed
    // the deployment over (read-only) until it fails back: the write waits for that.
    await eventually(() => client.setSecret('fr-up-link', 'value'), { timeoutMs: 60_000 });
    const listed = await link(['list', '--json']);
    expect(listed.code).toBe(0);
    const links = JSON.parse(listed.stdout) as Record<string, { upstream: string }>;
    expect(Object.keys(links)).toEqual(['global-endpoint', ...Object.values(endpoints.links.proxies)]);
    expect(links['global-endpoint']?.upstream).toBe(new URL(endpoints.regions.westeurope?.url ?? '').host);

    const added = await link(['global-endpoint', 'toxic', 'add', 'latency', '--latency', '300']);
    expect(added.code).toBe(0);
    try {
      const started = performance.now();
      expect((await client.getSecret('fr-up-link')).value).toBe('value');
      expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    } finally {
      expect((await link(['global-endpoint', 'toxic', 'rm', '--all'])).code).toBe(0);
    }
    const after = JSON.parse((await link(['list', '--json'])).stdout) as Record<string, { toxics: [] }>;
    expect(after['global-endpoint']?.toxics).toEqual([]);
  });
});
