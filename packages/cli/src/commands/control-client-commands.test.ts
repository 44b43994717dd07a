import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureSigningKey } from '@vaultover/auth';
import { closedPort, pollUntil } from '@vaultover/testkit';
import { ensureTlsMaterial } from '@vaultover/tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliProcess, startCli } from '../test-support/cli-process.ts';
import { controlStatus } from '../test-support/control-status.ts';

// `vaultover status | failover | failback | events` against a stand-in control API over real HTTPS
// (the deployment's CA and token key), so that every answer the real API can give is exercised.

let dir: string;
let server: Server;
let endpointsFile: string;
const seen: { method: string; path: string; authorization: string | undefined }[] = [];
const events: { id: string; time: string; kind: string; details: Record<string, unknown> }[] = [
  { id: '1-0', time: '2026-01-01T00:00:00.000Z', kind: 'transition', details: { to: 'normal', epoch: 1 } },
  {
    id: '2-0',
    time: '2026-01-01T00:00:01.000Z',
    kind: 'probe',
    details: { region: 'westeurope', healthy: false },
  },
];
const STATUS = controlStatus({ epoch: 1 });

function reply(path: string, method: string): { status: number; body: unknown } {
  if (path === '/api/status') return { status: 200, body: STATUS };
  if (method === 'POST' && path === '/api/failover')
    return { status: 202, body: { accepted: true, jobId: 'failover-1', epoch: 1 } };
  if (method === 'POST' && path === '/api/failback') {
    return {
      status: 409,
      body: { error: { code: 'Conflict', message: 'Cannot fail back: the vault is normal (epoch 1).' } },
    };
  }
  if (method === 'POST' && path === '/api/login-tokens') {
    return {
      status: 201,
      body: { token: 'abc', path: '/login?token=abc', expiresAt: '2026-01-01T00:01:00.000Z' },
    };
  }
  if (path.startsWith('/api/events')) {
    const since = new URL(path, 'https://x').searchParams.get('since');
    return { status: 200, body: { value: events.filter(({ id }) => since === null || id > since) } };
  }
  return { status: 404, body: { error: { code: 'NotFound', message: 'no such route' } } };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vaultover-client-'));
  const dataDir = join(dir, 'state');
  await ensureSigningKey(dataDir);
  const tls = await ensureTlsMaterial({ dir: join(dataDir, 'tls') });
  server = createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
    seen.push({ method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization });
    const { status, body } = reply(req.url ?? '', req.method ?? '');
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  endpointsFile = join(dir, 'endpoints.json');
  await writeFile(
    endpointsFile,
    JSON.stringify({ control: `https://localhost:${port}`, caFile: tls.caFile, dataDir, pid: process.pid }),
  );
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe('control API commands', () => {
  it('status prints a table, or the JSON with --json, as admin', async () => {
    const table = await runCliProcess(['status', '--endpoints', endpointsFile], dir);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('state    normal\nepoch    1\nserving  westeurope\n');
    expect(table.stdout).toContain('westeurope   primary    read-write  yes');
    expect(table.stdout).toContain('northeurope  secondary  standby     yes      2 entries');
    const json = await runCliProcess(['status', '--json', '--endpoints', endpointsFile], dir);
    expect(JSON.parse(json.stdout)).toEqual(STATUS);
    const token = seen.at(-1)?.authorization?.split('.')[1] ?? '';
    expect(JSON.parse(Buffer.from(token, 'base64url').toString())).toMatchObject({ sub: 'admin' });
  });

  it('status --web prints the login link alone on stdout, and when it stops working on stderr', async () => {
    const web = await runCliProcess(['status', '--web', '--endpoints', endpointsFile], dir);
    expect(web.code).toBe(0);
    const { port } = server.address() as AddressInfo;
    expect(web.stdout).toBe(`https://localhost:${port}/login?token=abc\n`);
    expect(web.stderr).toContain(
      'Open this link in a browser before 2026-01-01T00:01:00.000Z; it works once.',
    );
    expect(seen.at(-1)).toMatchObject({ method: 'POST', path: '/api/login-tokens' });
  });

  it('failover prints the accepted job; failback prints the 409 reason and exits 1', async () => {
    const accepted = await runCliProcess(['failover', '--endpoints', endpointsFile], dir);
    expect(accepted).toMatchObject({ code: 0, stdout: 'failover accepted (from epoch 1, job failover-1)\n' });
    const refused = await runCliProcess(
      ['failback', '--endpoints', endpointsFile, '--principal', 'root'],
      dir,
    );
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(
      'vaultover: failback refused: Cannot fail back: the vault is normal (epoch 1).\n',
    );
    expect(seen.at(-1)).toMatchObject({ method: 'POST', path: '/api/failback' });
  });

  it('events prints one line per event; --follow asks for what came after, until SIGINT', async () => {
    const once = await runCliProcess(['events', '--endpoints', endpointsFile], dir);
    expect(once.stdout.split('\n')).toEqual([
      '2026-01-01T00:00:00.000Z  transition  to=normal epoch=1',
      '2026-01-01T00:00:01.000Z  probe       region=westeurope healthy=false',
      '',
    ]);
    const follow = startCli(['events', '--follow', '--endpoints', endpointsFile], dir);
    await follow.waitForLine('2026-01-01T00:00:01.000Z', 10_000);
    events.push({
      id: '3-0',
      time: '2026-01-01T00:00:02.000Z',
      kind: 'fault',
      details: { region: 'westeurope', fault: 'crash' },
    });
    await follow.waitForLine('2026-01-01T00:00:02.000Z  fault', 10_000);
    await pollUntil('a poll after 3-0', () => seen.some(({ path }) => path === '/api/events?since=3-0'), {
      timeoutMs: 10_000,
    });
    follow.child.kill('SIGINT');
    expect(await follow.exited).toBe(0);
    expect(
      follow
        .stdout()
        .split('\n')
        .filter((line) => line.includes('fault')),
    ).toHaveLength(1);
  });

  it('says what to do when there is no deployment or it does not answer', async () => {
    const none = await runCliProcess(['status'], dir);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(
      'vaultover: no .vaultover/endpoints.json here: start `scripts/vaultover up` first (in this directory), or pass --endpoints FILE\n',
    );
    const gone = join(dir, 'gone.json');
    const closed = await closedPort();
    await writeFile(
      gone,
      JSON.stringify({
        control: `https://localhost:${closed}`,
        caFile: join(dir, 'state', 'tls', 'ca.pem'),
        dataDir: join(dir, 'state'),
        pid: 4,
      }),
    );
    const refused = await runCliProcess(['failover', '--endpoints', gone], dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `vaultover: the control API at https://localhost:${closed} does not answer (ECONNREFUSED): is vaultover up (pid 4) still running? If not, start it again with \`scripts/vaultover up\`\n`,
    );
    const single = join(dir, 'single.json');
    await writeFile(single, JSON.stringify({ control: null, caFile: 'x', dataDir: 'y' }));
    expect((await runCliProcess(['events', '--endpoints', single], dir)).stderr).toContain(
      'names no control API: this deployment runs without a control process (one region)',
    );
    const usage = await runCliProcess(['events', '--limit', '0'], dir);
    expect(usage.code).toBe(2);
    // Commander words the line around it; the reason is ours.
    expect(usage.stderr).toContain('--limit');
    expect(usage.stderr).toContain('expected a positive integer');
  });
});
