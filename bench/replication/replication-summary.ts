import type { Measurement } from '../load/measure-load.ts';
import { median, medianCpu, summarizeScenario } from '../stats.ts';
import type { BenchOptions, ScenarioResult, SuiteResult, Verdict } from '../suite.ts';
import type { ThroughputMeasurement } from './max-throughput.ts';
import type { LagMeasurement } from './measure-lag.ts';
import { ms, resyncSeconds } from './progress-lines.ts';
import type { ResyncMeasurement } from './resync-time.ts';

// The replication suite's result: table rows, verdicts against its targets (docs/benchmarks.md#targets),
// and notes.

const RATIO_TARGET = 3;
// Issue 14: within half again of the least any relay process does, measured in the same run.
const BARE_RATIO_TARGET = 1.5;
const LAG_P99_TARGET_MS = 10;
// The replicator's CPU per write, with the writes spread over many vaults, against one vault's.
const SPREAD_CPU_TARGET = 1.2;
// Issue 14: a million secrets in 30 s (a smaller vault: its share of that), the replicating process
// under 512 MiB meanwhile.
const RESYNC_TARGET_S_PER_MILLION = 30;
const RESYNC_RSS_TARGET_MIB = 512;
const BUSY_MACHINE_PERCENT = 25;

export const NAMES = {
  native: 'native REPLICAOF lag',
  bare: 'bare stream relay lag',
  ours: 'vault replication lag',
  commits: 'max writes: commits (primary)',
  applied: 'max writes: applied (secondary)',
  resync: 'full resync',
} as const;

/** The row of the product's lag windows whose writes are spread over `count` vaults. */
export function spreadName(count: number): string {
  return `${NAMES.ours}, ${count} vaults`;
}

/** Every window's measurement, by kind, in run order. */
export interface Measured {
  native: LagMeasurement[];
  bare: LagMeasurement[];
  ours: LagMeasurement[];
  /** The product's lag windows with the writes spread over N vaults, by N. */
  spread: Map<number, LagMeasurement[]>;
  throughput: ThroughputMeasurement[];
}

/** The full-resync runs over one seeded vault. */
export interface ResyncRuns {
  secrets: number;
  seedMs: number;
  /** The product's Replicator doing the whole resync. */
  runs: ResyncMeasurement[];
}

/** What the windows of one lag setting were, for the table's legend. */
export interface RowSettings {
  suite: string;
  lagS: number;
  valueBytes: number;
}

/** The table (medians over runs), the targets' verdicts, facts and notes. */
export function summarize(
  measured: Measured,
  resyncs: ResyncRuns | undefined,
  options: BenchOptions,
  settings: RowSettings,
): SuiteResult {
  const { lagS } = settings;
  const rows: [string, string, Measurement[]][] = [
    [
      NAMES.native,
      `SET on a master at ${options.rate}/s for ${lagS} s; lag to the replica's SET (REPLICAOF)`,
      measured.native,
    ],
    [
      NAMES.bare,
      `XADD on the primary's Redis at ${options.rate}/s for ${lagS} s; lag to the secondary's SET by a bare XREAD→SET relay process`,
      measured.bare,
    ],
    [
      NAMES.ours,
      `secrets.set on the primary at ${options.rate}/s for ${lagS} s; lag to the secondary's apply`,
      measured.ours,
    ],
    ...[...measured.spread].map(([count, runs]): [string, string, Measurement[]] => [
      spreadName(count),
      `as above, the writes spread round-robin over ${count} vaults`,
      runs,
    ]),
    [
      NAMES.commits,
      `${options.connections} closed-loop writers; req/s = commits/s, p50/p99 = commit latency`,
      measured.throughput.map((t) => t.commits),
    ],
    [
      NAMES.applied,
      'same window; req/s = entries applied/s (checkpoint), p50/p99 = lag from ack',
      measured.throughput.map((t) => t.applied),
    ],
  ];
  const scenarios = rows
    .filter(([, , runs]) => runs.length > 0)
    .map(([name, description, runs]) => summarizeScenario(name, description, runs));
  return {
    suite: settings.suite,
    scenarios,
    verdicts: verdicts(scenarios, resyncs, measured, options.rate),
    facts: facts(resyncs, settings.valueBytes),
    notes: notes(measured, scenarios, resyncs, options.rate),
    profiles: [],
  };
}

function verdicts(
  scenarios: ScenarioResult[],
  resyncs: ResyncRuns | undefined,
  measured: Measured,
  rate: number,
): Verdict[] {
  const verdicts: Verdict[] = [];
  const atMost = (name: string, value: number, target: number) =>
    verdicts.push({ name, value, target, pass: value <= target, atMost: true });
  const native = scenarios.find((s) => s.name === NAMES.native)?.median;
  const bare = scenarios.find((s) => s.name === NAMES.bare)?.median;
  const ours = scenarios.find((s) => s.name === NAMES.ours)?.median;
  if (ours && native && native.p99Ms > 0)
    atMost('vault lag p99 / native REPLICAOF lag p99', ours.p99Ms / native.p99Ms, RATIO_TARGET);
  // How far ours is above the floor of any relay process (docs/benchmarks.md#the-floor-a-bare-stream-relay).
  if (ours && bare && bare.p99Ms > 0)
    atMost('vault lag p99 / bare relay p99', ours.p99Ms / bare.p99Ms, BARE_RATIO_TARGET);
  if (bare && native && native.p99Ms > 0)
    verdicts.push({ name: 'bare relay p99 / native REPLICAOF lag p99', value: bare.p99Ms / native.p99Ms });
  if (ours) atMost('vault lag p99, ms', ours.p99Ms, LAG_P99_TARGET_MS);
  const single = replicatorMicrosPerWrite(measured.ours, rate);
  for (const [count, runs] of measured.spread) {
    const spread = scenarios.find((s) => s.name === spreadName(count))?.median;
    if (spread) atMost(`vault lag p99 over ${count} vaults, ms`, spread.p99Ms, LAG_P99_TARGET_MS);
    const perWrite = replicatorMicrosPerWrite(runs, rate);
    if (single > 0 && perWrite > 0) {
      const ratio = perWrite / single;
      verdicts.push({
        name: `replicator CPU per write over ${count} vaults / over 1 (flat: 0.8 to 1.2)`,
        value: ratio,
        target: SPREAD_CPU_TARGET,
        pass: ratio >= 2 - SPREAD_CPU_TARGET && ratio <= SPREAD_CPU_TARGET,
        atMost: true,
      });
    }
  }
  if (resyncs) {
    // A run that never converged counts as forever.
    const seconds = (runs: ResyncMeasurement[]) =>
      median(runs.map((r) => r.convergedMs ?? Number.POSITIVE_INFINITY)) / 1000;
    atMost(
      `full resync of ${resyncs.secrets} secrets to converged, s`,
      seconds(resyncs.runs),
      (RESYNC_TARGET_S_PER_MILLION * resyncs.secrets) / 1e6,
    );
    atMost(
      `peak RSS of the replicating process during it, MiB`,
      median(resyncs.runs.map((r) => r.peakRssBytes)) / 2 ** 20,
      RESYNC_RSS_TARGET_MIB,
    );
  }
  return verdicts;
}

/** The secondary node's CPU per applied write, µs: the median over runs of its share of a core / writes per s. */
function replicatorMicrosPerWrite(runs: LagMeasurement[], rate: number): number {
  const perRun = runs
    .map((m) => m.cpuPercent.server)
    .filter((p): p is number => p !== undefined)
    .map((percent) => (percent / 100 / rate) * 1e6);
  return perRun.length > 0 ? median(perRun) : 0;
}

function facts(resyncs: ResyncRuns | undefined, valueBytes: number): Record<string, string> {
  const facts: Record<string, string> = { valueBytes: String(valueBytes) };
  if (resyncs) facts.resyncSeedSeconds = (resyncs.seedMs / 1000).toFixed(1);
  return facts;
}

function notes(
  measured: Measured,
  scenarios: ScenarioResult[],
  resyncs: ResyncRuns | undefined,
  rate: number,
): string[] {
  const notes: string[] = [];
  if (measured.spread.size > 0) {
    const perWrite = [
      `1 vault ${replicatorMicrosPerWrite(measured.ours, rate).toFixed(0)} µs`,
      ...[...measured.spread].map(
        ([count, runs]) => `${count} vaults ${replicatorMicrosPerWrite(runs, rate).toFixed(0)} µs`,
      ),
    ];
    notes.push(`the secondary node's CPU per write (the replicator's): ${perWrite.join(', ')}`);
  }
  const medianOf = (runs: LagMeasurement[], pick: (m: LagMeasurement) => number) =>
    ms(median(runs.map(pick)));
  const lagRows: [string, LagMeasurement[]][] = [
    [NAMES.native, measured.native],
    [NAMES.bare, measured.bare],
    [NAMES.ours, measured.ours],
    ...[...measured.spread].map(([count, runs]): [string, LagMeasurement[]] => [spreadName(count), runs]),
  ];
  for (const [name, runs] of lagRows) {
    if (runs.length === 0) continue;
    notes.push(
      `${name}: from send (upper bound, adds the commit itself) p50 ${medianOf(runs, (m) => m.lag.fromSend.p50)} ` +
        `p99 ${medianOf(runs, (m) => m.lag.fromSend.p99)}; from ack max ${medianOf(runs, (m) => m.lag.fromAck.max)}; ` +
        `writer slip p99 ${medianOf(runs, (m) => m.lag.slip.p99)}; runs' p99 from ack: ${runs.map((m) => m.lag.fromAck.p99.toFixed(2)).join(' ')} ms`,
    );
  }
  if (measured.throughput.length > 0) {
    const t = measured.throughput;
    notes.push(
      `max writes: backlog at the window's end ${t.map((m) => m.backlogAtEnd).join(' ')} entries; ` +
        `drained in ${t.map((m) => (m.drainMs < 0 ? 'never' : ms(m.drainMs))).join(' ')}; ` +
        `applied/commits ${t.map((m) => (m.applied.requestsPerSecond / m.commits.requestsPerSecond).toFixed(2)).join(' ')}`,
    );
  }
  if (resyncs) {
    notes.push(resyncNote(`full resync of ${resyncs.secrets} secrets`, resyncs.runs));
  }
  const busiest = Math.max(0, ...scenarios.map((s) => medianCpu(s.runs, 'other') ?? 0));
  if (busiest > BUSY_MACHINE_PERCENT) {
    notes.push(
      `other processes used up to ${Math.round(busiest)}% of a core during the windows: the machine was not quiet, so the figures are noisy.`,
    );
  }
  return notes;
}

function resyncNote(title: string, r: ResyncMeasurement[]): string {
  const seconds = (pick: (m: ResyncMeasurement) => number | null) =>
    r.map((m) => resyncSeconds(pick(m))).join(' ');
  const errors = [...new Set(r.flatMap((m) => m.errors))];
  return (
    `${title} (${r[0]?.keys ?? 0} keys): copy swapped in ${seconds((m) => m.resyncMs)} s, ` +
    `converged ${seconds((m) => m.convergedMs)} s; peak RSS of the replicating process ${r.map((m) => (m.peakRssBytes / 2 ** 20).toFixed(0)).join(' ')} MiB; ` +
    `digests ${r.every((m) => m.digestsEqual) ? 'equal every run' : 'DIFFERED'}` +
    (errors.length > 0 ? `; errors: ${errors.join(' | ')}` : '')
  );
}
