import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunningUp, runCliProcess, startCli, startUp } from '@vaultover/cli/test-support';
import type { ClientSummary } from '@vaultover/load';
import { eventually } from '@vaultover/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `vaultover load` as a user runs it: against a `vaultover up` in the same directory, for a few seconds,
// the summary as JSON on stdout. Counts are checked within loose bounds: a busy machine may start a
// little late or finish a call after the end, never double the rate.

const EXAMPLE = fileURLToPath(new URL('../../docs/examples/retry-with-jitter.mjs', import.meta.url));
let cwd: string;
let up: RunningUp | undefined;

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'vaultover-load-'));
  up = await startUp(cwd);
}, 90_000);

afterAll(async () => {
  await up?.stop();
  await rm(cwd, { recursive: true, force: true });
});

const load = (...args: string[]) => runCliProcess(['load', ...args], cwd);

describe('vaultover load', () => {
  it('--duration 3s --json: an open loop at its rate, a closed loop and the example module, summarised', async () => {
    const { code, stdout, stderr } = await load(
      '--duration',
      '3s',
      '--json',
      '--seed',
      '7',
      '--client',
      'app:secrets:get=8,set=2:rate=20',
      '--client',
      'keys:keys:get=1,sign=1,encrypt=1:concurrency=2:retry=cockatiel,attempts=2,delay=10ms',
      '--client',
      `mine:module=${EXAMPLE}:get=1,set=1:rate=5`,
    );
    expect(code, stderr).toBe(0);
    const summary = JSON.parse(stdout) as { seed: number; clients: Record<string, ClientSummary> };
    expect(summary.seed).toBe(7);
    const { app, keys, mine } = summary.clients as Record<string, ClientSummary>;
    // 20 calls/s for 3 s is 61 starts (the first at once); loose bounds for a busy machine.
    expect(app?.calls).toBeGreaterThanOrEqual(30);
    expect(app?.calls).toBeLessThanOrEqual(70);
    expect(app).toMatchObject({ policy: 'sdk-default', failed: 0, amplification: 1, errorsByCode: {} });
    expect(keys?.calls).toBeGreaterThan(5);
    expect(keys).toMatchObject({ policy: 'cockatiel', failed: 0 });
    expect(mine?.calls).toBeGreaterThanOrEqual(5);
    expect(mine?.succeeded).toBeGreaterThan(0);
    expect(mine?.attempts).toBeGreaterThanOrEqual(mine?.calls ?? 0);
  }, 60_000);

  it("--clients <shipped scenario>: runs that scenario's load clients against this deployment", async () => {
    const { code, stdout, stderr } = await load('--clients', 'retry-policies', '--duration', '2s', '--json');
    expect(code, stderr).toBe(0);
    const { clients } = JSON.parse(stdout) as { clients: Record<string, ClientSummary> };
    expect(Object.fromEntries(Object.entries(clients).map(([name, c]) => [name, c.policy]))).toEqual({
      none: 'none',
      sdk: 'sdk-default',
      fixed: 'fixed',
      exponential: 'exponential',
      cockatiel: 'cockatiel',
      mine: 'module',
    });
    for (const client of Object.values(clients)) expect(client).toMatchObject({ failed: 0 });
  }, 60_000);

  it('prints a table and plain status lines when stderr is not a terminal', async () => {
    const { code, stdout, stderr } = await load('--duration', '1s', '--client', 'c:certificates:rate=5');
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^client\s+policy\s+calls/);
    expect(stdout).toMatch(/\nc\s+sdk-default\s+\d+/);
    expect(stderr).toMatch(/seed \d+/);
  }, 60_000);

  it("serves its clients' metrics while it runs, registered with the deployment's Prometheus until it ends", async () => {
    if (!up) throw new Error('vaultover up did not start');
    const targets = join(up.endpoints.dataDir, 'prometheus', 'targets');
    const cli = startCli(['load', '--duration', '4s', '--client', 'app:secrets:get=1:rate=20'], cwd);
    const url = await eventually(() => {
      const match = /metrics at (http:\/\/127\.0\.0\.1:(\d+)\/metrics)/.exec(cli.stderr());
      if (!match) throw new Error(`no metrics URL on stderr yet: ${cli.stderr()}`);
      return match;
    });
    const file = join(targets, `load-${cli.child.pid}.json`);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual([
      { targets: [`127.0.0.1:${url[2]}`], labels: { job: 'vaultover-load' } },
    ]);
    const text = await eventually(async () => {
      const body = await (await fetch(url[1] as string)).text();
      expect(body).toMatch(
        /^vaultover_client_calls_total\{client="app",operation="get",outcome="ok"\} [1-9]/m,
      );
      return body;
    });
    expect(text).toContain('vaultover_client_info{client="app",policy="sdk-default"} 1');
    expect(text).toMatch(/^vaultover_client_in_flight\{client="app"\} \d+$/m);
    expect(await cli.exited, cli.stderr()).toBe(0);
    expect((await readdir(targets)).filter((name) => name.startsWith('load-'))).toEqual([]);
  }, 60_000);

  it('exits 2 for bad flags, naming what is wrong', async () => {
    for (const args of [
      ['--client', 'app:queues'],
      ['--client', 'app:secrets:delete=1'],
      ['--client', 'app:secrets:retry=forever'],
      ['--duration', '30'],
    ]) {
      const { code, stderr } = await load(...args);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr).toMatch(/vaultover: /);
    }
    // --clients takes the same specs: its spec is read, not refused as an unknown option.
    const clients = await load('--clients', 'app:queues');
    expect(clients.code).toBe(2);
    expect(clients.stderr).toContain('queues');
    expect(clients.stderr).not.toContain('unknown option');
    // A scenario file whose load is invalid is refused where it is wrong, before anything runs.
    const bad = join(cwd, 'bad-load.yaml');
    await writeFile(
      bad,
      'duration: 10s\nload:\n  clients:\n    app: { kind: queues, operations: { get: 1 } }\n',
    );
    const scenario = await load('--clients', bad);
    expect(scenario.code).toBe(2);
    expect(scenario.stderr).toContain(`${bad}:4:`);
    const missing = await load('--clients', 'no-such-scenario');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no shipped scenario of that name');
  }, 60_000);

  it('exits 1 when the deployment cannot be reached, saying why', async () => {
    const other = await mkdtemp(join(tmpdir(), 'vaultover-load-none-'));
    try {
      const endpoints = join(other, 'endpoints.json');
      await writeFile(
        endpoints,
        JSON.stringify({
          gateway: 'https://localhost:1',
          caFile: join(cwd, 'state', 'ca.pem'),
          dataDir: join(cwd, 'state'),
        }),
      );
      const { code, stderr } = await runCliProcess(
        ['load', '--duration', '1s', '--endpoints', endpoints],
        other,
      );
      expect(code).toBe(1);
      expect(stderr).toMatch(/creating what the load reads failed|cannot read the CA/);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  }, 60_000);
});
