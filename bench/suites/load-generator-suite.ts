import { join } from 'node:path';
import type { LoadClientSpec } from '@vaultover/load';
import { describeRun } from '../failover/progress.ts';
import { type Measurement, startWindowedChild, type WindowedChild } from '../load/measure-load.ts';
import { summarizeProfiles } from '../profile/profile-summary.ts';
import { textTable } from '../report/text-table.ts';
import { type ShippedRates, scaledRates, shippedRates } from '../sdk-load/scenario-rates.ts';
import type {
  SdkChildConfig,
  SdkDriver,
  SdkLoadResult,
  SdkWindow,
  SecretMix,
} from '../sdk-load/sdk-load-spec.ts';
import { type RegionEnvironment, startRegionEnvironment } from '../servers/region-environment.ts';
import { median, medianCpu, medianMicrosPerRequest, microsPerRequest, summarizeScenario } from '../stats.ts';
import type { BenchOptions, ScenarioResult, Suite, SuiteContext, SuiteResult, Verdict } from '../suite.ts';

/** The load generator's client CPU per call, at most this many times the bare loop's. */
const CPU_TARGET = 1.2;
/** The open loop at the scenarios' rates starts at least this share of the calls they ask for. */
const STARTED_TARGET = 0.99;
/** The second open-loop window asks for this many times the scenarios' rates: the margin above them. */
const HEADROOM = 10;
// Paired windows, unless --runs and --duration say otherwise. On this shared 2-core machine a client's CPU
// per call moves by a third and more from one 5-s window to the next with what else runs (it falls as
// throughput rises: more answers per turn of the event loop), so the two sides alternate in many short
// windows, each beside its twin: 15 pairs of 2 s per mix. Both children stay up between their windows,
// so after the first (--warmup) a window needs only a moment for its calls to fill the loop again.
const PAIR_WINDOWS = { runs: 15, seconds: 2, settleS: 0.5 };
// Open-loop windows, unless --runs and --duration say otherwise: some 500 calls each at 50/s.
const OPEN_WINDOWS = { runs: 3, seconds: 10 };
/** Seconds to start a child and set its client up (its secret, the SDK's challenge), for the estimate. */
const CHILD_START_S = 2;
const PROFILE_TOP = 15;
// The mix of flapping-primary.yaml: reads with some writes, each write a new version.
const GET_SET: SecretMix = { get: 8, set: 2 };

type SdkMeasurement = Measurement & SdkLoadResult;

/** A bare loop and the load generator doing the same calls, measured in alternating windows. */
interface Pair {
  mix: SecretMix;
  bare: { name: string; description: string };
  generator: { name: string; description: string };
}

const BARE = 'a SecretClient driven by a minimal closed loop';
const GENERATOR = 'packages/load: one secrets client, closed loop, sdk-default, every record kept';

const PAIRS: readonly Pair[] = [
  {
    mix: { get: 1 },
    bare: { name: 'bare loop, get', description: `${BARE}: getSecret of one name` },
    generator: { name: 'load generator, get', description: `${GENERATOR}: operations { get: 1 }` },
  },
  {
    mix: GET_SET,
    bare: {
      name: 'bare loop, get 8 : set 2',
      description: `${BARE}: getSecret, or 1 in 5 setSecret of one of 8 names`,
    },
    generator: {
      name: 'load generator, get 8 : set 2',
      description: `${GENERATOR}: operations { get: 8, set: 2 }`,
    },
  },
];

/** The shipped scenarios' open-loop clients, at their rates and at HEADROOM times them. */
const OPEN_LOOPS: readonly { name: string; factor: number }[] = [
  { name: 'open loop, scenario rates', factor: 1 },
  { name: `open loop, ${HEADROOM}× scenario rates`, factor: HEADROOM },
];

/** The load generator against a bare loop of the same SDK client, and at the shipped scenarios' rates. */
export const loadGeneratorSuite: Suite = {
  name: 'load-generator',
  description: "the load generator's client CPU per call against a bare SDK loop; the scenarios' rates",
  windows(options) {
    const { pairs, openLoops } = select(options);
    const { pair, open } = plan(options);
    const seconds =
      pairs.length *
        2 *
        (CHILD_START_S + pair.warmupMs / 1000 + (pair.runs * (pair.settleMs + pair.durationMs)) / 1000) +
      openLoops.length * (CHILD_START_S + (open.runs * (open.warmupMs + open.durationMs)) / 1000);
    // The orchestrator's estimate counts windows of --duration + --warmup + 1 s.
    return Math.ceil(seconds / (options.durationS + options.warmupS + 1));
  },
  async run(context) {
    const { pairs, openLoops } = select(context.options);
    if (pairs.length + openLoops.length === 0)
      throw new Error(`--only ${context.options.only.join(',')} matches no scenario`);
    const rates = await shippedRates();
    const env = await startRegionEnvironment(context, 'vaultover-bench-load-', []);
    const results: Measured[] = [];
    try {
      for (const pair of pairs) results.push(...(await measurePair(pair, env, context)));
      for (const open of openLoops) results.push(await measureOpenLoop(open, env, rates, context));
    } finally {
      await env.stop();
    }
    const result = summarize(results, pairs, rates, context.options);
    const dir = context.options.profileDir;
    if (dir) {
      for (const { name } of results)
        result.profiles.push(
          ...(await summarizeProfiles(join(dir, slug(name)), PROFILE_TOP).catch(() => [])),
        );
    }
    return result;
  },
};

/** One scenario's windows. */
interface Measured {
  name: string;
  description: string;
  runs: SdkMeasurement[];
}

/** A pair runs when --only names either side; an open loop when it names it. */
function select(options: BenchOptions): { pairs: Pair[]; openLoops: (typeof OPEN_LOOPS)[number][] } {
  const wanted = options.only.map((text) => text.toLowerCase());
  const matches = (name: string) =>
    wanted.length === 0 || wanted.some((text) => name.toLowerCase().includes(text));
  return {
    pairs: PAIRS.filter((p) => matches(p.bare.name) || matches(p.generator.name)),
    openLoops: OPEN_LOOPS.filter((o) => matches(o.name)),
  };
}

/** How many windows of what length: the suite's own defaults, or --runs and --duration when given. */
interface Plan {
  pair: { runs: number; warmupMs: number; settleMs: number; durationMs: number };
  open: { runs: number; warmupMs: number; durationMs: number };
}

function plan(options: BenchOptions): Plan {
  const runs = (own: number) => (options.runsExplicit ? options.runs : own);
  const durationMs = (ownS: number) => (options.durationExplicit ? options.durationS : ownS) * 1000;
  const warmupMs = options.warmupS * 1000;
  return {
    pair: {
      runs: runs(PAIR_WINDOWS.runs),
      warmupMs,
      settleMs: PAIR_WINDOWS.settleS * 1000,
      durationMs: durationMs(PAIR_WINDOWS.seconds),
    },
    open: { runs: runs(OPEN_WINDOWS.runs), warmupMs, durationMs: durationMs(OPEN_WINDOWS.seconds) },
  };
}

/**
 * Both sides of a pair, each in a child started once, measured in turn: the bare loop first in odd
 * runs and second in even ones, so that neither side always meets the machine (or a region just
 * warmed by the other) in the same state.
 */
async function measurePair(pair: Pair, env: RegionEnvironment, context: SuiteContext): Promise<Measured[]> {
  const { options } = context;
  const { runs, warmupMs, settleMs, durationMs } = plan(options).pair;
  const client: LoadClientSpec = {
    name: 'bench',
    target: { kind: 'secrets' },
    operations: pair.mix,
    pacing: { concurrency: options.connections },
    retry: { policy: 'sdk-default' },
  };
  const sides: { name: string; description: string; config: SdkDriver }[] = [
    { ...pair.bare, config: { driver: 'bare', mix: pair.mix, concurrency: options.connections } },
    { ...pair.generator, config: { driver: 'generator', clients: [client] } },
  ];
  const children: WindowedChild<SdkWindow, SdkLoadResult>[] = [];
  try {
    for (const side of sides) children.push(await startSdkChild(side.name, side.config, env, options));
    const measured: Measured[] = sides.map((side) => ({ ...side, runs: [] }));
    for (let run = 1; run <= runs; run++) {
      const order = run % 2 === 1 ? [0, 1] : [1, 0];
      const window = { warmupMs: run === 1 ? warmupMs : settleMs, durationMs };
      for (const index of order) {
        const m = await (children[index] as WindowedChild<SdkWindow, SdkLoadResult>).measure(window);
        measured[index]?.runs.push(m);
        context.progress(`run ${run}/${runs} ${sides[index]?.name}: ${describeWindow(m)}`);
      }
    }
    return measured;
  } finally {
    await Promise.all(children.map((child) => child.stop()));
  }
}

async function measureOpenLoop(
  open: (typeof OPEN_LOOPS)[number],
  env: RegionEnvironment,
  rates: ShippedRates,
  context: SuiteContext,
): Promise<Measured> {
  const { options } = context;
  const { runs, ...window } = plan(options).open;
  const clients = scaledRates(rates.busiest.clients, open.factor);
  const child = await startSdkChild(open.name, { driver: 'generator', clients }, env, options);
  const measured: Measured = {
    name: open.name,
    description:
      `the open-loop clients of ${rates.busiest.scenario}.yaml, each rate ×${open.factor}: ` +
      `${rates.busiest.perSecond * open.factor} calls/s in all (${clients.map(describeClient).join(', ')})`,
    runs: [],
  };
  try {
    for (let run = 1; run <= runs; run++) {
      const m = await child.measure(window);
      measured.runs.push(m);
      context.progress(`run ${run}/${runs} ${open.name}: ${describeWindow(m)}`);
    }
  } finally {
    await child.stop();
  }
  return measured;
}

function describeClient(client: LoadClientSpec): string {
  const rate = 'rate' in client.pacing ? `${client.pacing.rate}/s` : '';
  return `${client.name} ${rate} ${client.retry.policy}`;
}

/** A child calling the region's default vault; with --profile it writes a CPU profile named for its scenario. */
function startSdkChild(
  name: string,
  driver: SdkDriver,
  env: RegionEnvironment,
  options: BenchOptions,
): Promise<WindowedChild<SdkWindow, SdkLoadResult>> {
  const config: SdkChildConfig = {
    ...driver,
    vaultUrl: `https://localhost:${env.region.info.port}`,
    caPem: env.caPem,
    dataDir: env.dataDir,
  };
  const dir = options.profileDir;
  return startWindowedChild<SdkWindow, SdkLoadResult>(
    {
      name,
      entry: new URL('../sdk-load/sdk-load-child.ts', import.meta.url),
      config,
      execArgv: dir ? ['--cpu-prof', '--cpu-prof-dir', join(dir, slug(name))] : [],
    },
    { server: env.region.pid, ...(env.redis.pid === null ? {} : { redis: env.redis.pid }) },
  );
}

function slug(name: string): string {
  return name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
}

function describeWindow(m: SdkMeasurement): string {
  const perCall = microsPerRequest(m, 'client');
  const open = m.open
    ? `; asked ${m.open.askedPerSecond}/s, started ${m.open.startedPerSecond.toFixed(1)}/s, dropped ${m.open.dropped}, ` +
      `late p99 ${m.open.lateP99Ms.toFixed(1)} ms`
    : '';
  return `${describeRun(m)}, client ${perCall === undefined ? '?' : Math.round(perCall)} µs/call${open}`;
}

function summarize(
  measured: readonly Measured[],
  pairs: readonly Pair[],
  rates: ShippedRates,
  options: BenchOptions,
): SuiteResult {
  const results = measured.map((m) => summarizeScenario(m.name, m.description, m.runs));
  const byName = (name: string) => measured.find((m) => m.name === name);
  return {
    suite: loadGeneratorSuite.name,
    heading: heading(
      options,
      pairs.length > 0,
      measured.some((m) => m.runs.some((r) => r.open)),
    ),
    scenarios: results,
    verdicts: [...cpuVerdicts(pairs, byName), ...openVerdicts(measured)],
    facts: {
      busiestScenario: `${rates.busiest.scenario} (${rates.busiest.perSecond} calls/s over ${rates.busiest.clients.length} clients)`,
      highestClientRate: `${rates.highestClient.perSecond}/s (${rates.highestClient.scenario}, client ${rates.highestClient.client})`,
      shippedScenarios: String(rates.scenarios),
    },
    notes: pairNotes(pairs, byName),
    profiles: [],
    sections: [cpuSection(results), openSection(measured)].filter((s) => s !== ''),
  };
}

function heading(options: BenchOptions, pairs: boolean, openLoops: boolean): string {
  const { pair, open } = plan(options);
  const parts = [
    ...(pairs
      ? [
          `pairs ${pair.runs} × ${pair.durationMs / 1000} s per side, alternating, ${options.connections} in flight, ` +
            `${options.warmupS} s warm-up then ${pair.settleMs / 1000} s before each window`,
        ]
      : []),
    ...(openLoops
      ? [`open loops ${open.runs} × ${open.durationMs / 1000} s, ${options.warmupS} s warm-up each`]
      : []),
  ];
  return `== load-generator: ${parts.join('; ')}; medians over runs`;
}

type Lookup = (name: string) => Measured | undefined;

/**
 * Per pair, against the target: the median of the pairs' own ratios. A pair's two windows are neighbours
 * in time, so what the machine did to one it mostly did to the other; the ratio of the two sides'
 * medians (how the other suites take ratios) pairs nothing and moves more with the machine, so it is
 * printed beside, as information.
 */
function cpuVerdicts(pairs: readonly Pair[], byName: Lookup): Verdict[] {
  return pairs.flatMap((pair) => {
    const bare = medianMicrosPerRequest(byName(pair.bare.name)?.runs ?? [], 'client');
    const generator = medianMicrosPerRequest(byName(pair.generator.name)?.runs ?? [], 'client');
    const paired = pairRatios(pair, byName).filter((r): r is number => r !== undefined);
    const name = `${pair.generator.name} / ${pair.bare.name}, client CPU per call`;
    const verdicts: Verdict[] = [];
    if (paired.length > 0) {
      const value = median(paired);
      verdicts.push({
        name: `${name}, median of paired ratios`,
        value,
        target: CPU_TARGET,
        pass: value <= CPU_TARGET,
        atMost: true,
      });
    }
    if (bare && generator) verdicts.push({ name: `${name}, ratio of medians`, value: generator / bare });
    return verdicts;
  });
}

/** Generator µs/call over bare µs/call, run by run: the two windows of a run are neighbours in time. */
function pairRatios(pair: Pair, byName: Lookup): (number | undefined)[] {
  const bare = byName(pair.bare.name)?.runs ?? [];
  return (byName(pair.generator.name)?.runs ?? []).map((g, i) => {
    const run = bare[i];
    const b = run && microsPerRequest(run, 'client');
    const own = microsPerRequest(g, 'client');
    return b === undefined || own === undefined || b <= 0 ? undefined : own / b;
  });
}

/** Calls started over calls asked for, median over the runs; a target at the scenarios' own rates. */
function openVerdicts(measured: readonly Measured[]): Verdict[] {
  return OPEN_LOOPS.flatMap(({ name, factor }) => {
    const shares = (measured.find((m) => m.name === name)?.runs ?? []).flatMap((r) =>
      r.open ? [r.open.startedPerSecond / r.open.askedPerSecond] : [],
    );
    if (shares.length === 0) return [];
    const verdict: Verdict = { name: `${name}: calls started / calls asked for`, value: median(shares) };
    if (factor !== 1) return [verdict];
    return [{ ...verdict, target: STARTED_TARGET, pass: verdict.value >= STARTED_TARGET }];
  });
}

/** Client CPU per call, window by window, beside the median: the figure the target is about. */
function cpuSection(results: readonly ScenarioResult[]): string {
  const rows = results.map((r) => {
    const perCall = medianMicrosPerRequest(r.runs, 'client');
    const cpu = medianCpu(r.runs, 'client');
    return [
      r.name,
      perCall === undefined ? '-' : Math.round(perCall).toString(),
      r.runs
        .map((m) => microsPerRequest(m, 'client'))
        .map(rounded)
        .join(' '),
      cpu === undefined ? '-' : `${Math.round(cpu)}%`,
    ];
  });
  if (rows.length === 0) return '';
  const header = ['scenario', 'client µs/call', 'runs (µs/call)', 'client CPU'];
  return `client CPU per call (the client process alone, user + system):\n${textTable([header, ...rows])}`;
}

function rounded(value: number | undefined): string {
  return value === undefined ? '-' : Math.round(value).toString();
}

/** The open loops' schedule: asked, started, dropped, how late calls started; medians over the runs. */
function openSection(measured: readonly Measured[]): string {
  const rows = measured.flatMap((m) => {
    const open = m.runs.flatMap((r) => (r.open ? [r.open] : []));
    if (open.length === 0) return [];
    const mid = (pick: (o: (typeof open)[number]) => number, digits: number) =>
      median(open.map(pick)).toFixed(digits);
    return [
      [
        m.name,
        mid((o) => o.askedPerSecond, 0),
        mid((o) => o.startedPerSecond, 1),
        open.map((o) => o.startedPerSecond.toFixed(1)).join(' '),
        String(open.reduce((sum, o) => sum + o.dropped, 0)),
        mid((o) => o.lateP50Ms, 1),
        mid((o) => o.lateP99Ms, 1),
        Math.max(...open.map((o) => o.lateMaxMs)).toFixed(1),
      ],
    ];
  });
  if (rows.length === 0) return '';
  const header = [
    'scenario',
    'asked/s',
    'started/s',
    'runs (started/s)',
    'dropped',
    'late p50 ms',
    'late p99 ms',
    'late max ms',
  ];
  return (
    'open loops against their schedule (dropped: summed over the runs; late: start − due time, max over the runs):\n' +
    textTable([header, ...rows])
  );
}

/** Each pair's ratios pair by pair, and their spread. */
function pairNotes(pairs: readonly Pair[], byName: Lookup): string[] {
  return pairs.flatMap((pair) => {
    const ratios = pairRatios(pair, byName);
    const known = ratios.filter((r): r is number => r !== undefined);
    if (known.length === 0) return [];
    const shown = ratios.map((r) => (r === undefined ? '-' : r.toFixed(2))).join(' ');
    const sorted = [...known].sort((x, y) => x - y);
    const quartile = (q: number) => (sorted[Math.floor(q * (sorted.length - 1))] ?? 0).toFixed(2);
    return [
      `${pair.generator.name} / ${pair.bare.name}, client µs/call pair by pair: ${shown} ` +
        `(median ${median(known).toFixed(2)}, quartiles ${quartile(0.25)}–${quartile(0.75)}, ` +
        `range ${quartile(0)}–${quartile(1)})`,
    ];
  });
}
