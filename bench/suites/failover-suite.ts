import { setTimeout as delay } from 'node:timers/promises';
import { LATEST_API_VERSION } from '@vaultover/region';
import { startChild } from '../child/start-child.ts';
import type { BareRelayConfig } from '../failover/bare-relay-child.ts';
import { controlApi } from '../failover/control-api.ts';
import { type Deployment, startDeployment } from '../failover/deployment.ts';
import {
  awaitNormal,
  type CycleMeasurement,
  type ProbeRequests,
  runFailoverCycle,
} from '../failover/failover-cycle.ts';
import { effectiveTimings, summarize } from '../failover/failover-summary.ts';
import {
  measureOverhead,
  OVERHEAD_NAMES,
  OVERHEAD_SIDES,
  type OverheadRuns,
} from '../failover/gateway-overhead.ts';
import { describeCycle } from '../failover/progress.ts';
import { expectSuccess } from '../https-once.ts';
import type { LoadSpec } from '../load/load-spec.ts';
import { summarizeProfiles } from '../profile/profile-summary.ts';
import type { BenchOptions, Suite, SuiteContext, SuiteResult } from '../suite.ts';

const SECRET_NAME = 'bench-secret';
const WRITE_SECRET_NAME = 'bench-probe-write';
const VALUE_BYTES = 1024;
const GET_PATH = `/secrets/${SECRET_NAME}/?api-version=${LATEST_API_VERSION}`;
const SET_PATH = `/secrets/${SECRET_NAME}?api-version=${LATEST_API_VERSION}`;
const WRITE_PATH = `/secrets/${WRITE_SECRET_NAME}?api-version=${LATEST_API_VERSION}`;
// Five crash cycles unless --runs says otherwise: each takes some 15-20 s, and five give a median, a min
// and a max of detection, whose phase against the probes is random.
const DEFAULT_CYCLES = 5;
const CYCLE_NAME = 'failover cycle';
const NORMAL_TIMEOUT_MS = 90_000;
// Long enough for the secret to reach the secondary before the first crash (lag is milliseconds).
const REPLICATION_SETTLE_MS = 1000;
// A cycle lasts about detection + window + recovery + failback window: some two load windows.
const WINDOWS_PER_CYCLE = 2;
const PROFILE_TOP = 15;
const BARE_RELAY_START_TIMEOUT_MS = 30_000;

type Part = 'overhead' | 'cycles';

/** Crash → detection → failover → failback on the real topology, and the global endpoint's cost. */
export const failoverSuite: Suite = {
  name: 'failover',
  description:
    'detection time and outages of a primary crash (vaultover up), gateway GET vs direct and a bare relay',
  windows: (options) => {
    const parts = selectParts(options);
    return (
      (parts.includes('overhead') ? OVERHEAD_SIDES.length * options.runs : 0) +
      (parts.includes('cycles') ? WINDOWS_PER_CYCLE * cycleCount(options) : 0)
    );
  },
  async run(context) {
    const parts = selectParts(context.options);
    if (parts.length === 0) throw new Error(`--only ${context.options.only.join(',')} matches no scenario`);
    const deployment = await startDeployment(context, context.options.failover);
    const api = controlApi(deployment.ready.control, deployment.caPem, deployment.adminToken);
    let result: SuiteResult;
    try {
      await awaitNormal(api, NORMAL_TIMEOUT_MS);
      await createSecret(deployment);
      const overhead = parts.includes('overhead') ? await overheadRuns(deployment, context) : undefined;
      const cycles = parts.includes('cycles') ? await cycleRuns(deployment, api, context) : [];
      const timings = effectiveTimings(context.options.failover);
      result = summarize(
        failoverSuite.name,
        { cycles, overhead, timings, configText: deployment.configText, pids: await pidNames(deployment) },
        heading(context.options, cycles.length, overhead !== undefined),
      );
    } finally {
      api.close();
      await deployment.stop();
    }
    // Profiles are written when the processes exit, so only now.
    const dir = context.options.profileDir;
    if (dir) result.profiles = await summarizeProfiles(dir, PROFILE_TOP);
    return result;
  },
};

/** Which process each pid is, so profiles (named by pid) can be told apart. */
async function pidNames(d: Deployment): Promise<Record<string, string>> {
  const names: Record<string, string> = { [d.ready.controlPid]: 'control (gateway)' };
  for (const [region, pid] of Object.entries(await d.regionPids())) names[pid] = `region ${region}`;
  return names;
}

function selectParts(options: BenchOptions): Part[] {
  const all: [Part, string[]][] = [
    ['overhead', Object.values(OVERHEAD_NAMES)],
    ['cycles', [CYCLE_NAME]],
  ];
  const wanted = options.only.map((text) => text.toLowerCase());
  return all
    .filter(
      ([, names]) =>
        wanted.length === 0 || names.some((n) => wanted.some((w) => n.toLowerCase().includes(w))),
    )
    .map(([part]) => part);
}

function cycleCount(options: BenchOptions): number {
  return options.runsExplicit ? options.runs : DEFAULT_CYCLES;
}

function heading(options: BenchOptions, cycles: number, overhead: boolean): string {
  const load = overhead
    ? `; overhead ${options.runs} run(s) × ${options.durationS} s per side, ${options.connections} connections, ` +
      `${options.warmupS} s warm-up, medians over runs`
    : '';
  return `== failover: ${cycles} crash/failback cycle(s)${load}`;
}

/** The secret every read asks for, written through the gateway so it replicates like any other. */
async function createSecret(d: Deployment): Promise<void> {
  const port = portOf(d.ready.gateway);
  const headers = { authorization: `Bearer ${d.officerToken}` };
  const value = 'v'.repeat(VALUE_BYTES);
  const common = { port, caPem: d.caPem, headers };
  await expectSuccess('creating the secret', { ...common, method: 'PUT', path: SET_PATH, body: { value } });
  await expectSuccess('reading it back', { ...common, method: 'GET', path: GET_PATH });
  await delay(REPLICATION_SETTLE_MS);
}

async function overheadRuns(d: Deployment, context: SuiteContext): Promise<OverheadRuns> {
  const primary = d.ready.regions.westeurope;
  if (!primary) throw new Error('the deployment has no westeurope region');
  const base = (port: number) => loadSpec(d, port, context.options);
  const bareRelay = await startChild<{ port: number }>({
    name: 'bare relay',
    entry: new URL('../failover/bare-relay-child.ts', import.meta.url),
    config: { targetPort: portOf(primary.url) } satisfies BareRelayConfig,
    readyTimeoutMs: BARE_RELAY_START_TIMEOUT_MS,
  });
  try {
    return await measureOverhead(
      {
        load: {
          direct: base(portOf(primary.url)),
          gateway: base(portOf(d.ready.gateway)),
          bareRelay: base(bareRelay.info.port),
        },
        pids: {
          region: (await d.regionPids()).westeurope ?? primary.pid,
          redis: d.ready.redis.westeurope?.pid ?? null,
          control: d.ready.controlPid,
          bareRelay: bareRelay.pid,
        },
      },
      context,
    );
  } finally {
    await bareRelay.stop();
  }
}

async function cycleRuns(d: Deployment, api: ReturnType<typeof controlApi>, context: SuiteContext) {
  const count = cycleCount(context.options);
  const requests = probeRequests(d, context.options);
  const phaseSpread = effectiveTimings(context.options.failover).probeIntervalMs;
  const cycles: CycleMeasurement[] = [];
  for (let run = 1; run <= count; run++) {
    await awaitNormal(api, NORMAL_TIMEOUT_MS);
    const cycle = await runFailoverCycle(api, requests, phaseSpread);
    cycles.push(cycle);
    context.progress(`cycle ${run}/${count}: ${describeCycle(cycle)}`);
  }
  return cycles;
}

function probeRequests(d: Deployment, options: BenchOptions): ProbeRequests {
  const read = loadSpec(d, portOf(d.ready.gateway), options);
  return { read, write: { ...read, method: 'PUT', path: WRITE_PATH } };
}

function loadSpec(d: Deployment, port: number, options: BenchOptions): LoadSpec {
  return {
    host: '127.0.0.1',
    port,
    servername: 'localhost',
    caPem: d.caPem,
    method: 'GET',
    path: GET_PATH,
    headers: { authorization: `Bearer ${d.officerToken}`, accept: 'application/json' },
    connections: options.connections,
    warmupMs: options.warmupS * 1000,
    durationMs: options.durationS * 1000,
  };
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}
