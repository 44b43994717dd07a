import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { startCli } from '@vaultover/cli/test-support';
import {
  createTestNetwork,
  type NamespaceRedis,
  type NetworkPlace,
  startNamespaceRedis,
  type TestNetwork,
  tempDir,
  whyNoNetworkNamespaces,
} from '@vaultover/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A scenario across network namespaces (docs/network-namespaces.md): each region (its node and its Redis)
// and the control process on a host of its own, every link between them a real network path through one
// bridge. `vaultover scenario run --config` runs in the hub (the supervisor, the link proxy, the clients).
// The scenario partitions the primary from the control process and from the secondary by taking its veth
// pair down (a kernel link's blackhole), waits for the failover, heals, and waits for the failback.
// Around it, processes in the namespaces watch what the scenario cannot see from the hub: a client beside
// the primary writing straight to it (the fenced primary must refuse), and the secondary and the control
// process trying to reach the primary (the partition must cut them off, and only while it lasts).
// Root only: elsewhere the file is skipped, saying why.

const unavailable = await whyNoNetworkNamespaces();
if (unavailable) console.log(`test/netns/partition-scenario.test.ts skipped: ${unavailable}`);

const PLACES = ['westeurope', 'northeurope', 'control'] as const;
const REGION_PORT = 8443;
const SUPPORT = fileURLToPath(new URL('./support/', import.meta.url));

let network: TestNetwork;
const redis: NamespaceRedis[] = [];
let dir: Awaited<ReturnType<typeof tempDir>>;
/** What the test started in the namespaces, stopped after it whatever happened. */
const running: { stop(): Promise<void> }[] = [];

function place(name: (typeof PLACES)[number]): NetworkPlace {
  const found = network.places[name];
  if (!found) throw new Error(`the network has no ${name}`);
  return found;
}

/** The deployment: each process in its place's namespace, on its address; a kernel link per place. */
function deploymentConfig(urls: Record<string, string>): string {
  const [west, north, control] = [place('westeurope'), place('northeurope'), place('control')];
  const kernel = (name: string, at: NetworkPlace) =>
    `    ${name}: { netns: ${at.netns}, device: ${at.device}, peer: ${at.peer} }`;
  return [
    'redis:',
    '  mode: external',
    `  urls: { westeurope: ${urls.westeurope}, northeurope: ${urls.northeurope}, control: ${urls.control} }`,
    'regions:',
    `  - { name: westeurope, role: primary, port: ${REGION_PORT}, host: ${west.address}, netns: ${west.netns} }`,
    `  - { name: northeurope, role: secondary, port: ${REGION_PORT}, host: ${north.address}, netns: ${north.netns} }`,
    `control: { port: 9443, gatewayPort: ${REGION_PORT}, host: ${control.address}, netns: ${control.netns} }`,
    'links:',
    `  host: ${network.hub.address}`,
    '  kernel:',
    kernel('westeurope-net', west),
    kernel('northeurope-net', north),
    kernel('control-net', control),
    '',
  ].join('\n');
}

// Short timings, so that the failover and the failback each take a few seconds, but a probe may take
// 450 ms and three must fail in a row: a busy machine must not fail the primary over before the partition.
const SCENARIO = `name: netns-partition
description: The primary's host is cut off from the control process and the secondary; failover, heal, failback.
duration: 18s
seed: 1
deployment:
  monitor: { probeIntervalMs: 500, probeTimeoutMs: 450, failureThreshold: 3, recoveryThreshold: 3 }
  failover: { failoverWindowMs: 1000, failbackWindowMs: 1000, minFailedOverMs: 2000, autoFailback: true }
load:
  clients:
    writer: { kind: secrets, operations: { set: 1 }, rate: 5 }
    reader: { kind: secrets, operations: { get: 1 }, rate: 10, principal: app }
steps:
  - at: 3s
    id: partition
    toxic: { link: westeurope-net, add: { name: cut, type: blackhole, stream: both } }
  - after: failed-over + 2s
    id: heal
    toxic: { link: westeurope-net, remove: cut }
  - after: heal
    wait: { state: normal, within: 30s }
expect:
  - failovers == 1
  - failbacks == 1
  - detection < 5s
  - rto < 10s
  - acknowledged_writes_missing == 0
`;

beforeAll(async () => {
  if (unavailable) return;
  dir = await tempDir('vaultover-netns-scenario-');
  network = await createTestNetwork(PLACES);
  for (const name of PLACES) redis.push(await startNamespaceRedis(place(name)));
  const urls = Object.fromEntries(PLACES.map((name, index) => [name, redis[index]?.url as string]));
  await writeFile(join(dir.path, 'netns.yaml'), deploymentConfig(urls));
  await writeFile(join(dir.path, 'partition.yaml'), SCENARIO);
}, 60_000);

afterAll(async () => {
  for (const started of running.splice(0).reverse()) await started.stop();
  for (const server of redis.splice(0)) await server.stop();
  await network?.remove();
  await dir?.remove();
});

type Watcher = ChildProcessByStdio<Writable, Readable, null>;

/**
 * A support script run with node inside `netns`: its JSON lines, as they come. `stop` closes its stdin
 * (it stops) and resolves once it has exited; idempotent.
 */
function watch(netns: string, script: string, args: string[]): { lines: unknown[]; stop(): Promise<void> } {
  const child: Watcher = spawn(
    'ip',
    ['netns', 'exec', netns, process.execPath, join(SUPPORT, script), ...args],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const lines: unknown[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => lines.push(JSON.parse(line)));
  const watcher = {
    lines,
    async stop() {
      child.stdin.end();
      await exited;
    },
  };
  running.push(watcher);
  return watcher;
}

interface JournalLine {
  type: string;
  t: number;
  index?: number;
  kind?: string;
  details?: { to?: string };
}

interface Write {
  start: number;
  end: number;
  status?: number;
  code?: string;
  message?: string;
}

interface Probe {
  start: number;
  end: number;
  ok: boolean;
}

describe.skipIf(unavailable !== undefined)('a partition across network namespaces', () => {
  it('fails over when the primary is cut off, fences it, and fails back once healed', {
    timeout: 180_000,
  }, async () => {
    const out = join(dir.path, 'run');
    const [west, north, control] = [place('westeurope'), place('northeurope'), place('control')];
    const primaryUrl = `https://${west.address}:${REGION_PORT}`;
    const writer = watch(west.netns, 'direct-writer.ts', [primaryUrl, join(out, 'deployment')]);
    const fromSecondary = watch(north.netns, 'reachability-probe.ts', [west.address, '6379']);
    const fromControl = watch(control.netns, 'reachability-probe.ts', [west.address, String(REGION_PORT)]);
    const run = startCli(
      ['scenario', 'run', 'partition.yaml', '--config', 'netns.yaml', '--out', out],
      dir.path,
      { VAULTOVER_REDIS: 'external' },
      { netns: network.hub.netns },
    );
    running.push({
      async stop() {
        if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGINT');
        await run.exited;
      },
    });
    const code = await run.exited;
    await Promise.all([writer.stop(), fromSecondary.stop(), fromControl.stop()]);
    expect(code, `${run.stdout()}\n${run.stderr()}`).toBe(0);

    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({
      verdict: 'pass',
      failovers: 1,
      failbacks: 1,
      acknowledgedWritesMissing: 0,
    });
    // Measured from the partition, which the runner knows leads to the primary: not from the failover.
    expect(summary.failover.detectionSeconds).toBeGreaterThan(0);
    const journal = (await readFile(join(out, 'journal.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as JournalLine);
    const stepAt = (index: number, kind: string) =>
      journal.find((line) => line.type === 'step' && line.index === index && line.kind === kind)?.t as number;
    const enteredAt = (state: string) =>
      journal.filter(
        (line) => line.type === 'event' && line.kind === 'transition' && line.details?.to === state,
      );
    const partitioned = stepAt(0, 'done');
    const healing = stepAt(1, 'started');
    const failedOver = enteredAt('failed-over')[0]?.t as number;
    const failingBack = enteredAt('failing-back')[0]?.t as number;
    const normalAgain = enteredAt('normal').at(-1)?.t as number;
    expect(partitioned).toBeLessThan(failedOver);
    expect(failedOver).toBeLessThan(healing);
    expect(healing).toBeLessThan(failingBack);

    // Cut off: neither the secondary nor the control process reaches the primary while the pair is down,
    // both do before it and after.
    for (const probes of [fromSecondary.lines as Probe[], fromControl.lines as Probe[]]) {
      const during = probes.filter(({ start, end }) => start > partitioned && end < healing);
      expect(during.length).toBeGreaterThan(3);
      expect(during.filter(({ ok }) => ok)).toEqual([]);
      expect(probes.some(({ ok, end }) => ok && end < partitioned)).toBe(true);
      expect(probes.some(({ ok, start }) => ok && start > normalAgain)).toBe(true);
    }

    // Fenced: a client beside the primary, which the partition does not cut off, has every write refused
    // from the failover to the failback (the primary lost its lease first), and written before and after.
    const writes = writer.lines as Write[];
    const refusedWhileFailedOver = writes.filter(({ start, end }) => start > failedOver && end < failingBack);
    expect(refusedWhileFailedOver.length).toBeGreaterThan(5);
    for (const write of refusedWhileFailedOver)
      expect(write).toMatchObject({ status: 503, code: 'ServiceUnavailable' });
    expect(refusedWhileFailedOver.map(({ message }) => message)).toContain(
      'Region westeurope does not hold the write lease, so it accepts no writes right now. Retry.',
    );
    expect(writes.some(({ status, end }) => status === 200 && end < partitioned)).toBe(true);
    expect(writes.some(({ status, start }) => status === 200 && start > normalAgain)).toBe(true);
  });
});
