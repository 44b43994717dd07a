import { createHash } from 'node:crypto';
import { LATEST_API_VERSION } from '@vaultover/region';
import type { BareCryptoSpec, BareOperation } from '../crypto/bare-crypto-spec.ts';
import { measureBare } from '../crypto/measure-bare.ts';
import type { LoadSpec } from '../load/load-spec.ts';
import { type Measurement, measureLoad } from '../load/measure-load.ts';
import { summarizeProfiles } from '../profile/profile-summary.ts';
import { summarizeScenario } from '../stats.ts';
import type { BenchOptions, ScenarioResult, Suite, SuiteContext, SuiteResult, Verdict } from '../suite.ts';
import { type CryptoEnvironment, startCryptoEnvironment } from './crypto-environment.ts';

const RSA_SIGN_TARGET = 0.5;
const PROFILE_TOP = 15;
/** The real service's limit for software RSA-2048 and EC keys: 4,000 operations per 10 s per vault. */
const SERVICE_THROTTLE_PER_SECOND = 400;
const DIGEST = createHash('sha256').update('vaultover bench').digest().toString('base64url');

interface Scenario {
  name: string;
  description: string;
  /** Region scenarios post to the region; bare ones run node:crypto in a process of their own. */
  region?: (env: CryptoEnvironment) => { path: string; body: unknown };
  bare?: { operation: BareOperation; mode: BareCryptoSpec['mode'] };
}

const path = (key: { name: string; version: string }, op: string) =>
  `/keys/${key.name}/${key.version}/${op}?api-version=${LATEST_API_VERSION}`;

// Measured in this order within each run, each region scenario beside its bare twin.
const SCENARIOS: readonly Scenario[] = [
  {
    name: 'bare RSA-2048 sign',
    description: 'node:crypto sign(sha256) with an RSA-2048 key, synchronous, on one thread',
    bare: { operation: 'rsa-2048-sign', mode: 'sync' },
  },
  {
    name: 'region RSA-2048 sign',
    description: 'POST /keys/bench-rsa/{v}/sign {"alg":"RS256"} over HTTPS',
    region: (env) => ({ path: path(env.rsa, 'sign'), body: { alg: 'RS256', value: DIGEST } }),
  },
  {
    name: 'bare RSA-2048 sign, pool',
    description: "node:crypto sign with a callback: libuv's thread pool, every core (for reference)",
    bare: { operation: 'rsa-2048-sign', mode: 'pool' },
  },
  {
    name: 'bare RSA-2048 decrypt',
    description: 'node:crypto privateDecrypt RSA-OAEP (SHA-1) of 32 bytes, synchronous',
    bare: { operation: 'rsa-2048-decrypt', mode: 'sync' },
  },
  {
    name: 'region RSA-2048 decrypt',
    description: 'POST /keys/bench-rsa/{v}/decrypt {"alg":"RSA-OAEP"} of 32 bytes over HTTPS',
    region: (env) => ({ path: path(env.rsa, 'decrypt'), body: { alg: 'RSA-OAEP', value: env.ciphertext } }),
  },
  {
    name: 'bare EC P-256 sign',
    description: 'node:crypto sign(sha256) with a P-256 key, IEEE P1363 output, synchronous',
    bare: { operation: 'ec-p256-sign', mode: 'sync' },
  },
  {
    name: 'region EC P-256 sign',
    description: 'POST /keys/bench-ec/{v}/sign {"alg":"ES256"} over HTTPS',
    region: (env) => ({ path: path(env.ec, 'sign'), body: { alg: 'ES256', value: DIGEST } }),
  },
];

/** Key operations through a region node, beside the same operations done by node:crypto alone. */
export const cryptoSuite: Suite = {
  name: 'crypto',
  description: 'RSA-2048 sign and decrypt, EC P-256 sign through a region, against bare node:crypto',
  windows: (options) => selectScenarios(options).length * options.runs,
  async run(context) {
    const scenarios = selectScenarios(context.options);
    if (scenarios.length === 0)
      throw new Error(`--only ${context.options.only.join(',')} matches no scenario`);
    const env = await startCryptoEnvironment(context);
    let result: SuiteResult;
    try {
      const runs = await measureInterleaved(scenarios, env, context);
      const results = scenarios.map((s, i) => summarizeScenario(s.name, s.description, runs[i] ?? []));
      result = {
        suite: cryptoSuite.name,
        scenarios: results,
        verdicts: verdicts(results),
        facts: {
          keys: 'bench-rsa RSA-2048, bench-ec P-256',
          serviceThrottle: '400 ops/s per vault (software RSA-2048, EC)',
        },
        notes: notes(results),
        profiles: [],
      };
    } finally {
      await env.stop();
    }
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

async function measureInterleaved(
  scenarios: readonly Scenario[],
  env: CryptoEnvironment,
  context: SuiteContext,
): Promise<Measurement[][]> {
  const { options } = context;
  const runs = scenarios.map((): Measurement[] => []);
  for (let run = 1; run <= options.runs; run++) {
    for (const [index, scenario] of scenarios.entries()) {
      const measurement = await measureScenario(scenario, env, options);
      runs[index]?.push(measurement);
      context.progress(`run ${run}/${options.runs} ${scenario.name}: ${describeRun(measurement)}`);
    }
  }
  return runs;
}

function measureScenario(
  scenario: Scenario,
  env: CryptoEnvironment,
  options: BenchOptions,
): Promise<Measurement> {
  const redis: Record<string, number> = env.redis.pid === null ? {} : { redis: env.redis.pid };
  const timing = { warmupMs: options.warmupS * 1000, durationMs: options.durationS * 1000 };
  if (scenario.bare) {
    return measureBare({ ...scenario.bare, concurrency: options.connections, ...timing }, redis);
  }
  if (!scenario.region) throw new Error(`scenario ${scenario.name} has nothing to run`);
  const request = scenario.region(env);
  const spec: LoadSpec = {
    host: '127.0.0.1',
    port: env.region.info.port,
    servername: 'localhost',
    caPem: env.caPem,
    method: 'POST',
    path: request.path,
    headers: { authorization: `Bearer ${env.token}`, accept: 'application/json' },
    body: JSON.stringify(request.body),
    connections: options.connections,
    ...timing,
  };
  return measureLoad(spec, { server: env.region.pid, ...redis });
}

function describeRun(m: Measurement): string {
  const cpu = Object.entries(m.cpuPercent)
    .map(([name, percent]) => `${name} ${percent === undefined ? '?' : Math.round(percent)}%`)
    .join(', ');
  const errors = m.errors > 0 ? `, ${m.errors} ERRORS (${m.errorSamples[0] ?? ''})` : '';
  return `${Math.round(m.requestsPerSecond)} ops/s, p50 ${m.p50Ms.toFixed(2)} ms, p99 ${m.p99Ms.toFixed(2)} ms, CPU ${cpu}${errors}`;
}

const median = (results: ScenarioResult[], name: string) => results.find((r) => r.name === name)?.median;

/** The RSA-2048 sign target, on req/s and per server CPU (see docs/benchmarks.md for why both). */
function verdicts(results: ScenarioResult[]): Verdict[] {
  const bare = median(results, 'bare RSA-2048 sign');
  const region = median(results, 'region RSA-2048 sign');
  if (!bare || !region) return [];
  const out: Verdict[] = [];
  const verdict = (name: string, value: number) =>
    out.push({ name, value, target: RSA_SIGN_TARGET, pass: value >= RSA_SIGN_TARGET });
  if (bare.requestsPerSecond > 0) {
    verdict('region RSA-2048 sign / bare sign, ops/s', region.requestsPerSecond / bare.requestsPerSecond);
  }
  if (bare.serverMicrosPerRequest && region.serverMicrosPerRequest) {
    verdict(
      'region RSA-2048 sign / bare sign, per CPU (bare µs/op ÷ region µs/req)',
      bare.serverMicrosPerRequest / region.serverMicrosPerRequest,
    );
  }
  return out;
}

function notes(results: ScenarioResult[]): string[] {
  const out: string[] = [];
  const ratio = (regionName: string, bareName: string) => {
    const region = median(results, regionName);
    const bare = median(results, bareName);
    if (!region || !bare || bare.requestsPerSecond <= 0) return;
    const perCpu =
      region.serverMicrosPerRequest && bare.serverMicrosPerRequest
        ? `, per CPU ${(bare.serverMicrosPerRequest / region.serverMicrosPerRequest).toFixed(2)}`
        : '';
    out.push(
      `${regionName} / ${bareName}: ${(region.requestsPerSecond / bare.requestsPerSecond).toFixed(2)} ops/s${perCpu}`,
    );
  };
  ratio('region RSA-2048 sign', 'bare RSA-2048 sign, pool');
  ratio('region RSA-2048 decrypt', 'bare RSA-2048 decrypt');
  ratio('region EC P-256 sign', 'bare EC P-256 sign');
  for (const name of ['region RSA-2048 sign', 'region RSA-2048 decrypt', 'region EC P-256 sign']) {
    const region = median(results, name);
    if (!region) continue;
    const times = region.requestsPerSecond / SERVICE_THROTTLE_PER_SECOND;
    out.push(
      `${name}: ${Math.round(region.requestsPerSecond)} ops/s = ${times.toFixed(1)}× the real service's throttle for one vault ` +
        `(4,000 per 10 s = ${SERVICE_THROTTLE_PER_SECOND}/s)`,
    );
  }
  return out;
}
