import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { BenchOptions } from './suite.ts';
import { findSuite, SUITES } from './suites.ts';

export const USAGE = `Usage: scripts/bench [suite…] [options]

Suites: ${SUITES.map((s) => s.name).join(', ')} (default: ${SUITES[0]?.name})
${SUITES.map((s) => `  ${s.name.padEnd(15)} ${s.description}`).join('\n')}

Options:
  --duration S      measured seconds per run of a scenario (default 10; replication lag: 30;
                    load-generator: 2 per paired window, 10 per open-loop window)
  --warmup S        unmeasured seconds before each window (default 2)
  --connections N   requests in flight at once (default 16)
  --runs R          runs per scenario, interleaved; figures are medians (default 3); failover: also the crash cycles (5 without --runs);
                    load-generator: 15 pairs of windows per mix, 3 open-loop windows
  --rate N          replication: writes per second of the lag windows (default 1000)
  --secrets N       replication: secrets in the full-resync vault (default 100000);
                    memory: the distinct secret names the writes reuse (default 100000)
  --vaults N,…      replication: vault counts the lag windows spread their writes over, one window
                    each (default 1; e.g. 1,100,1000,10000)
  --failover-window MS   failover: failoverWindowMs of the deployment (default 3000)
  --probe-interval MS    failover: monitor.probeIntervalMs (default: the product's, 1000)
  --probe-timeout MS     failover: monitor.probeTimeoutMs (default: the product's, 500)
  --failure-threshold N  failover: monitor.failureThreshold (default: the product's, 3)
  --writes N        memory: secret SETs sent to the primary (default 200000)
  --idle S          memory: seconds the deployment rests before each idle sample (default 60)
  --minutes N       nemesis: minutes of faults under the workload (default 2)
  --mode MODE       nemesis: the deployment's replication, async or sync (default async)
  --seed N          nemesis: the seed of the workload and the fault schedule (default 1)
  --only TEXT,…     only scenarios whose name contains TEXT, e.g. --only "region GET"
  --profile         run the region node with --cpu-prof and print its top frames
  --out FILE        where to write the JSON results (default .vaultover/bench/<time>.json)
  -h, --help        this text

Progress goes to stderr; the table to stdout. Exits 0 whether targets are met or not,
1 if anything failed (a server, a setup step, or any request).`;

/** What the command line asked for. */
export interface BenchCommand {
  suites: string[];
  options: BenchOptions;
  outFile: string;
  help: boolean;
}

/** Parses argv (without node and the script); throws with a readable message on bad input. */
export function parseBenchArgs(argv: string[], root: string, stamp: string): BenchCommand {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string', default: '2' },
      connections: { type: 'string', default: '16' },
      runs: { type: 'string' },
      rate: { type: 'string', default: '1000' },
      secrets: { type: 'string', default: '100000' },
      vaults: { type: 'string', default: '1' },
      'failover-window': { type: 'string', default: '3000' },
      'probe-interval': { type: 'string' },
      'probe-timeout': { type: 'string' },
      'failure-threshold': { type: 'string' },
      writes: { type: 'string', default: '200000' },
      idle: { type: 'string', default: '60' },
      minutes: { type: 'string', default: '2' },
      mode: { type: 'string', default: 'async' },
      seed: { type: 'string', default: '1' },
      only: { type: 'string', default: '' },
      profile: { type: 'boolean', default: false },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const suites = positionals.length > 0 ? positionals : [SUITES[0]?.name ?? ''];
  for (const name of suites) {
    if (!findSuite(name))
      throw new Error(`unknown suite '${name}'; known: ${SUITES.map((s) => s.name).join(', ')}`);
  }
  const resultsDir = join(root, '.vaultover', 'bench');
  const options: BenchOptions = {
    durationS: positiveNumber('--duration', values.duration ?? '10'),
    durationExplicit: values.duration !== undefined,
    rate: positiveInteger('--rate', values.rate),
    resyncSecrets: positiveInteger('--secrets', values.secrets),
    vaultCounts: [
      ...new Set(values.vaults.split(',').map((text) => positiveInteger('--vaults', text.trim()))),
    ],
    warmupS: positiveNumber('--warmup', values.warmup, true),
    connections: positiveInteger('--connections', values.connections),
    runs: positiveInteger('--runs', values.runs ?? '3'),
    runsExplicit: values.runs !== undefined,
    failover: {
      failoverWindowMs: positiveInteger('--failover-window', values['failover-window']),
      probeIntervalMs: optionalInteger('--probe-interval', values['probe-interval']),
      probeTimeoutMs: optionalInteger('--probe-timeout', values['probe-timeout']),
      failureThreshold: optionalInteger('--failure-threshold', values['failure-threshold']),
    },
    memory: {
      writes: positiveInteger('--writes', values.writes),
      idleS: positiveNumber('--idle', values.idle, true),
    },
    nemesis: {
      minutes: positiveNumber('--minutes', values.minutes, false, 'minutes'),
      mode: replicationMode(values.mode),
      seed: positiveInteger('--seed', values.seed),
    },
    only: values.only
      .split(',')
      .map((text) => text.trim())
      .filter(Boolean),
    profileDir: values.profile ? join(resultsDir, `profiles-${stamp}`) : undefined,
  };
  return { suites, options, outFile: values.out ?? join(resultsDir, `${stamp}.json`), help: values.help };
}

function positiveNumber(flag: string, text: string, zeroAllowed = false, unit = 'seconds'): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !zeroAllowed)) {
    throw new Error(
      `${flag} wants a ${zeroAllowed ? 'non-negative' : 'positive'} number of ${unit}, got '${text}'`,
    );
  }
  return value;
}

function positiveInteger(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`${flag} wants a positive integer, got '${text}'`);
  return value;
}

function optionalInteger(flag: string, text: string | undefined): number | undefined {
  return text === undefined ? undefined : positiveInteger(flag, text);
}

function replicationMode(text: string): 'sync' | 'async' {
  if (text !== 'sync' && text !== 'async') throw new Error(`--mode wants async or sync, got '${text}'`);
  return text;
}
