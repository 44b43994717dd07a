import { LATEST_API_VERSION } from '@vaultover/region';
import { expectSuccess } from '../https-once.ts';
import type { LoadSpec } from '../load/load-spec.ts';
import { type Measurement, measureLoad } from '../load/measure-load.ts';
import { summarizeProfiles } from '../profile/profile-summary.ts';
import { medianCpu, summarizeScenario } from '../stats.ts';
import type { BenchOptions, ScenarioResult, Suite, SuiteContext, SuiteResult, Verdict } from '../suite.ts';
import { measurePropagation, NON_MATCHING_RULES } from './fault-rules-bench.ts';
import { BASELINE_KEY, type SecretsEnvironment, startSecretsEnvironment } from './secrets-environment.ts';

const SECRET_NAME = 'bench-secret';
const VALUE_BYTES = 1024;
// The SDK's getSecret path for the latest version: note the trailing slash (empty version).
const GET_PATH = `/secrets/${SECRET_NAME}/?api-version=${LATEST_API_VERSION}`;
const SET_PATH = `/secrets/${SECRET_NAME}?api-version=${LATEST_API_VERSION}`;
const RATIO_TARGET = 0.6;
const PROFILE_TOP = 15;
// Median CPU of other processes (percent of a core) above which the figures deserve a warning.
const BUSY_MACHINE_PERCENT = 25;

interface Scenario {
  name: string;
  description: string;
  server: 'region' | 'throttled' | 'regionFaults' | 'baseline';
  method: 'GET' | 'PUT';
  path: string;
  valueBytes?: number;
}

// Measured in this order within each run, so slow drifts of the machine hit every scenario.
const SCENARIOS: readonly Scenario[] = [
  {
    name: 'baseline GET',
    description: 'bare node:https server, one ioredis GET of a 1 KB string, JSON reply',
    server: 'baseline',
    method: 'GET',
    path: GET_PATH,
  },
  {
    name: 'region GET',
    description: `GET ${GET_PATH.split('?')[0]}: latest version, 1 KB value`,
    server: 'region',
    method: 'GET',
    path: GET_PATH,
  },
  {
    name: 'region GET, throttled',
    description: 'the same GET on a second region node that throttles (custom limits no load reaches)',
    server: 'throttled',
    method: 'GET',
    path: GET_PATH,
  },
  {
    name: `region GET, ${NON_MATCHING_RULES} fault rules`,
    description: `the same GET to a region node under a control Redis holding ${NON_MATCHING_RULES} fault rules that do not match it`,
    server: 'regionFaults',
    method: 'GET',
    path: GET_PATH,
  },
  {
    name: 'region SET',
    description: `PUT ${SET_PATH.split('?')[0]}: a new 1 KB value, so a new version, every request`,
    server: 'region',
    method: 'PUT',
    path: SET_PATH,
    valueBytes: VALUE_BYTES,
  },
];

/** Secret reads and writes through a region node, against a bare HTTPS-plus-Redis baseline. */
export const secretsSuite: Suite = {
  name: 'secrets',
  description: 'region secret GET and SET throughput and latency, against a bare node:https + Redis baseline',
  windows: (options) => selectScenarios(options).length * options.runs,
  async run(context) {
    const scenarios = selectScenarios(context.options);
    if (scenarios.length === 0)
      throw new Error(`--only ${context.options.only.join(',')} matches no scenario`);
    const throttled = scenarios.some((s) => s.server === 'throttled');
    const faultRules = scenarios.some((s) => s.server === 'regionFaults');
    const environment = await startSecretsEnvironment(context, { throttled, faultRules });
    let result: SuiteResult;
    try {
      const facts = await prepare(environment);
      const runs = await measureInterleaved(scenarios, environment, context);
      result = summarize(scenarios, runs, facts);
    } finally {
      await environment.stop();
    }
    // Profiles are written when the region exits, so only now.
    const dir = context.options.profileDir;
    if (dir) result.profiles = await summarizeProfiles(dir, PROFILE_TOP);
    return result;
  },
};

function selectScenarios(options: BenchOptions): Scenario[] {
  const wanted = options.only.map((text) => text.toLowerCase());
  if (wanted.length === 0) return [...SCENARIOS];
  return SCENARIOS.filter((s) => wanted.some((text) => s.name.toLowerCase().includes(text)));
}

/** Creates the secret and the baseline key, checks both servers answer them, and returns facts. */
async function prepare(env: SecretsEnvironment): Promise<Record<string, string>> {
  const value = 'v'.repeat(VALUE_BYTES);
  await env.redisClient.set(BASELINE_KEY, value);
  const headers = { authorization: `Bearer ${env.token}` };
  const common = { caPem: env.caPem, headers };
  await expectSuccess('creating the secret', {
    ...common,
    port: env.region.info.port,
    method: 'PUT',
    path: SET_PATH,
    body: { value },
  });
  const read = await expectSuccess('reading the secret', {
    ...common,
    port: env.region.info.port,
    method: 'GET',
    path: GET_PATH,
  });
  if ((JSON.parse(read) as { value?: string }).value !== value)
    throw new Error('the secret read back differs');
  await expectSuccess('the baseline', {
    ...common,
    port: env.baseline.info.port,
    method: 'GET',
    path: GET_PATH,
  });
  const facts: Record<string, string> = {
    redis: await redisVersion(env),
    secretValueBytes: String(VALUE_BYTES),
  };
  if (env.regionFaults) {
    await expectSuccess('the region under fault rules', {
      ...common,
      port: env.regionFaults.info.port,
      method: 'GET',
      path: GET_PATH,
    });
    const target = { port: env.regionFaults.info.port, caPem: env.caPem, path: GET_PATH, token: env.token };
    Object.assign(facts, await measurePropagation(env.redisClient, target));
  }
  return facts;
}

async function redisVersion(env: SecretsEnvironment): Promise<string> {
  const info = await env.redisClient.info('server');
  return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
}

async function measureInterleaved(
  scenarios: readonly Scenario[],
  env: SecretsEnvironment,
  context: SuiteContext,
): Promise<Measurement[][]> {
  const { options } = context;
  const runs = scenarios.map((): Measurement[] => []);
  for (let run = 1; run <= options.runs; run++) {
    for (const [index, scenario] of scenarios.entries()) {
      const server = serverOf(env, scenario);
      const measurement = await measureLoad(loadSpec(scenario, env, options), {
        server: server.pid,
        ...(env.redis.pid === null ? {} : { redis: env.redis.pid }),
      });
      runs[index]?.push(measurement);
      context.progress(`run ${run}/${options.runs} ${scenario.name}: ${describeRun(measurement)}`);
    }
  }
  return runs;
}

function loadSpec(scenario: Scenario, env: SecretsEnvironment, options: BenchOptions): LoadSpec {
  return {
    host: '127.0.0.1',
    port: serverOf(env, scenario).info.port,
    servername: 'localhost',
    caPem: env.caPem,
    method: scenario.method,
    path: scenario.path,
    headers: { authorization: `Bearer ${env.token}`, accept: 'application/json' },
    valueBytes: scenario.valueBytes,
    connections: options.connections,
    warmupMs: options.warmupS * 1000,
    durationMs: options.durationS * 1000,
  };
}

function serverOf(env: SecretsEnvironment, scenario: Scenario) {
  const server = env[scenario.server];
  if (!server) throw new Error(`no ${scenario.server} server was started for ${scenario.name}`);
  return server;
}

function describeRun(m: Measurement): string {
  const cpu = Object.entries(m.cpuPercent)
    .map(([name, percent]) => `${name} ${percent === undefined ? '?' : Math.round(percent)}%`)
    .join(', ');
  const errors = m.errors > 0 ? `, ${m.errors} ERRORS (${m.errorSamples[0] ?? ''})` : '';
  return `${Math.round(m.requestsPerSecond)} req/s, p50 ${m.p50Ms.toFixed(2)} ms, p99 ${m.p99Ms.toFixed(2)} ms, CPU ${cpu}${errors}`;
}

function summarize(
  scenarios: readonly Scenario[],
  runs: Measurement[][],
  facts: Record<string, string>,
): SuiteResult {
  const results = scenarios.map((s, i) => summarizeScenario(s.name, s.description, runs[i] ?? []));
  return {
    suite: secretsSuite.name,
    scenarios: results,
    verdicts: verdicts(results),
    facts,
    notes: notes(results),
    profiles: [],
  };
}

/**
 * The GET target, twice: on req/s as asked, and on server CPU per request. The second holds even
 * when the client or other processes kept the baseline from saturating its core (on a 2-core
 * machine shared by client, server and Redis it rarely can), which makes the req/s ratio flatter
 * the region.
 */
function verdicts(results: ScenarioResult[]): Verdict[] {
  const baseline = results.find((r) => r.name === 'baseline GET')?.median;
  const region = results.find((r) => r.name === 'region GET')?.median;
  if (!baseline || !region) return [];
  const verdicts: Verdict[] = [];
  const verdict = (name: string, value: number) =>
    verdicts.push({ name, value, target: RATIO_TARGET, pass: value >= RATIO_TARGET });
  if (baseline.requestsPerSecond > 0) {
    verdict('region GET / baseline GET, req/s', region.requestsPerSecond / baseline.requestsPerSecond);
  }
  const regionCost = region.serverMicrosPerRequest;
  const baselineCost = baseline.serverMicrosPerRequest;
  if (regionCost !== undefined && baselineCost !== undefined && regionCost > 0) {
    verdict(
      'region GET / baseline GET, per server CPU (baseline µs/req ÷ region µs/req)',
      baselineCost / regionCost,
    );
  }
  return verdicts;
}

function notes(results: ScenarioResult[]): string[] {
  const notes: string[] = [];
  const busiest = Math.max(0, ...results.map((r) => medianCpu(r.runs, 'other') ?? 0));
  if (busiest > BUSY_MACHINE_PERCENT) {
    notes.push(
      `other processes used up to ${Math.round(busiest)}% of a core during the windows (median per scenario): ` +
        'the machine was not quiet, so req/s and latency are low and noisy; server µs/req suffers less from that.',
    );
  }
  const region = results.find((r) => r.name === 'region GET')?.median;
  const throttled = results.find((r) => r.name === 'region GET, throttled')?.median;
  if (region && throttled && region.requestsPerSecond > 0) {
    const extra =
      region.serverMicrosPerRequest !== undefined && throttled.serverMicrosPerRequest !== undefined
        ? `, ${(throttled.serverMicrosPerRequest - region.serverMicrosPerRequest).toFixed(0)} µs of region CPU per request`
        : '';
    notes.push(
      `throttling (one script in Redis per request, under its limits): ${(throttled.requestsPerSecond / region.requestsPerSecond).toFixed(2)}× ` +
        `the req/s of region GET, p50 ${(throttled.p50Ms - region.p50Ms).toFixed(2)} ms more${extra}. Off (the default), a region has no throttle at all.`,
    );
  }
  const set = results.find((r) => r.name === 'region SET');
  if (set) {
    const versions = 1 + set.runs.reduce((sum, r) => sum + r.totalOk, 0);
    notes.push(
      `region SET adds a version per request: ${SECRET_NAME} ended with ${versions} versions. ` +
        'GET reads only the latest (three HGETs in one Lua call), so the growing count does not change its cost.',
    );
  }
  return notes;
}
