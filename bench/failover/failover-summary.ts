import { FAILOVER_DEFAULTS, MONITOR_DEFAULTS } from '@vaultover/control/settings';
import { textTable } from '../report/text-table.ts';
import { median, medianCpu, summarizeScenario } from '../stats.ts';
import type { FailoverTimings, ScenarioResult, SuiteResult, Verdict } from '../suite.ts';
import type { CycleMeasurement } from './failover-cycle.ts';
import { OVERHEAD_NAMES, OVERHEAD_SIDES, type OverheadRuns, type OverheadSide } from './gateway-overhead.ts';

// The failover suite's result: the overhead windows as the usual table, the cycles' timings as a
// table of their own (median, min, max against what the config says they should be), verdicts.

// Issue 14: through the global endpoint, at least this share of the direct GET's req/s and of its CPU
// efficiency, and at most this much of the control process's CPU per forwarded request.
const OVERHEAD_TARGET = 0.92;
const OVERHEAD_PER_CPU_TARGET = 0.75;
const RELAY_MICROS_TARGET = 45;
const BUSY_MACHINE_PERCENT = 25;

const DESCRIPTIONS: Record<OverheadSide, string> = {
  direct: 'GET of a 1 KB secret at the primary region node',
  gateway: 'the same GET through the global endpoint',
  bareRelay: 'the same GET through a bare Node relay (accept, connect, pipe both ways): the floor of a relay',
};

/** The timings in force: the suite's overrides, else the product's defaults. */
export interface EffectiveTimings {
  probeIntervalMs: number;
  probeTimeoutMs: number;
  failureThreshold: number;
  failoverWindowMs: number;
  failbackWindowMs: number;
  leaseMs: number;
}

export function effectiveTimings(t: FailoverTimings): EffectiveTimings {
  return {
    probeIntervalMs: t.probeIntervalMs ?? MONITOR_DEFAULTS.probeIntervalMs,
    probeTimeoutMs: t.probeTimeoutMs ?? MONITOR_DEFAULTS.probeTimeoutMs,
    failureThreshold: t.failureThreshold ?? MONITOR_DEFAULTS.failureThreshold,
    failoverWindowMs: t.failoverWindowMs,
    failbackWindowMs: FAILOVER_DEFAULTS.failbackWindowMs,
    leaseMs: FAILOVER_DEFAULTS.leaseMs,
  };
}

/** The bound detection should stay under: the last failed probe's timeout after the threshold. */
export function detectionBound(t: EffectiveTimings): number {
  return t.probeIntervalMs * t.failureThreshold + t.probeTimeoutMs;
}

interface TimingRow {
  name: string;
  /** The figure in one cycle; undefined when that cycle did not show it. */
  value: (c: CycleMeasurement) => number | undefined;
  /** What the config says, per run (undefined: no reference). */
  reference: ((c: CycleMeasurement) => number) | undefined;
  referenceText: string;
}

export interface FailoverFigures {
  cycles: CycleMeasurement[];
  overhead: OverheadRuns | undefined;
  timings: EffectiveTimings;
  configText: string;
  /** Process names by pid at the end of the run (profiles are named by pid). */
  pids: Record<string, string>;
}

export function summarize(suite: string, figures: FailoverFigures, heading: string): SuiteResult {
  const { cycles, overhead, timings } = figures;
  const scenarios = overhead
    ? OVERHEAD_SIDES.map((side) =>
        summarizeScenario(OVERHEAD_NAMES[side], DESCRIPTIONS[side], overhead[side]),
      )
    : [];
  const rows = timingRows(timings);
  const sections = cycles.length > 0 ? [timingTable(rows, cycles, timings)] : [];
  return {
    suite,
    heading,
    scenarios,
    verdicts: verdicts(cycles, scenarios, timings),
    facts: {
      monitor: `probe every ${timings.probeIntervalMs} ms, timeout ${timings.probeTimeoutMs} ms, down after ${timings.failureThreshold}`,
      failover: `window ${timings.failoverWindowMs} ms, failback window ${timings.failbackWindowMs} ms, lease ${timings.leaseMs} ms`,
      cycles: String(cycles.length),
    },
    notes: notes(scenarios, cycles),
    profiles: [],
    sections,
    details: { cycles, config: figures.configText, pids: figures.pids },
  };
}

function timingRows(t: EffectiveTimings): TimingRow[] {
  const bound = detectionBound(t);
  const window = (c: CycleMeasurement) => c.detectionMs + t.failoverWindowMs;
  return [
    row(
      'detection: crash → failing-over',
      (c) => c.detectionMs,
      () => bound,
      `bound ${bound}`,
    ),
    row(
      'failing-over → failed-over',
      (c) => c.failoverTransitionMs,
      () => t.failoverWindowMs,
      'window',
    ),
    row('crash → first failed read', (c) => c.readFirstFailureMs, undefined, ''),
    row('read outage after the crash', (c) => c.readOutageMs, window, 'detection + window'),
    row('write outage, crash → failback done', (c) => c.writeOutageMs, undefined, ''),
    row(
      'failing-back → normal',
      (c) => c.failbackTransitionMs,
      () => t.failbackWindowMs,
      'failback window',
    ),
    row(
      'read outage at failback',
      (c) => c.readFailbackOutageMs,
      () => t.failbackWindowMs,
      'failback window',
    ),
    row(
      'write outage at failback',
      (c) => c.writeFailbackOutageMs,
      () => t.failbackWindowMs,
      'failback window',
    ),
  ];
}

function row(
  name: string,
  value: TimingRow['value'],
  reference: TimingRow['reference'],
  referenceText: string,
): TimingRow {
  return { name, value, reference, referenceText };
}

function timingTable(rows: TimingRow[], cycles: CycleMeasurement[], t: EffectiveTimings): string {
  const header = ['figure (ms)', 'median', 'min', 'max', 'runs', 'reference', 'median ÷ ref'];
  const body = rows.map((r) => {
    const values = cycles.map(r.value);
    const known = values.filter((v): v is number => v !== undefined);
    const reference = r.reference;
    const ratios = reference
      ? cycles.flatMap((c, i) => {
          const v = values[i];
          return v === undefined ? [] : [v / reference(c)];
        })
      : [];
    return [
      r.name,
      fmt(known.length > 0 ? median(known) : undefined),
      fmt(known.length > 0 ? Math.min(...known) : undefined),
      fmt(known.length > 0 ? Math.max(...known) : undefined),
      values.map(fmt).join(' '),
      r.referenceText,
      ratios.length > 0 ? median(ratios).toFixed(2) : '',
    ];
  });
  const lease = `(lease ${t.leaseMs} ms: it expires before detection ends, so promotion should not wait for it)`;
  return [`-- failover cycles (${cycles.length}): crash the primary, restart it once failed over ${lease}`]
    .concat(textTable([header, ...body]))
    .join('\n');
}

function fmt(value: number | undefined): string {
  return value === undefined ? '—' : String(Math.round(value));
}

function verdicts(cycles: CycleMeasurement[], scenarios: ScenarioResult[], t: EffectiveTimings): Verdict[] {
  const verdicts: Verdict[] = [];
  if (cycles.length > 0) {
    const ratio = median(cycles.map((c) => c.detectionMs)) / detectionBound(t);
    verdicts.push({
      name: 'median detection / bound (interval × threshold + timeout)',
      value: ratio,
      target: 1,
      pass: ratio <= 1,
      atMost: true,
    });
  }
  const scenario = (side: OverheadSide) => scenarios.find((s) => s.name === OVERHEAD_NAMES[side]);
  const direct = scenario('direct')?.median.requestsPerSecond;
  const gateway = scenario('gateway')?.median.requestsPerSecond;
  if (direct !== undefined && gateway !== undefined && direct > 0) {
    const ratio = gateway / direct;
    verdicts.push({
      name: 'gateway GET / direct GET, req/s',
      value: ratio,
      target: OVERHEAD_TARGET,
      pass: ratio >= OVERHEAD_TARGET,
    });
  }
  const directCost = scenario('direct')?.median.serverMicrosPerRequest;
  const through = scenario('gateway');
  const regionCost = through?.median.serverMicrosPerRequest;
  const gatewayCost = through ? relayMicrosPerRequest(through) : undefined;
  if (directCost !== undefined && regionCost !== undefined && gatewayCost !== undefined) {
    const ratio = directCost / (regionCost + gatewayCost);
    verdicts.push({
      name: 'gateway GET / direct GET, per CPU (direct region µs/req ÷ (region + gateway) µs/req)',
      value: ratio,
      target: OVERHEAD_PER_CPU_TARGET,
      pass: ratio >= OVERHEAD_PER_CPU_TARGET,
    });
  }
  if (gatewayCost !== undefined)
    verdicts.push({
      name: 'control process (relay) CPU per forwarded GET (µs)',
      value: gatewayCost,
      target: RELAY_MICROS_TARGET,
      pass: gatewayCost <= RELAY_MICROS_TARGET,
      atMost: true,
    });
  return verdicts;
}

/**
 * The relay's CPU per forwarded request (the control process through the gateway, the bare relay
 * through it), median over runs. With the load generator, the relay and the region sharing two cores,
 * req/s says how the machine copes with one more process in the path; CPU per request says what that
 * process costs, whoever the bottleneck was.
 */
function relayMicrosPerRequest(relayed: ScenarioResult): number | undefined {
  const values = relayed.runs.flatMap((r) => {
    const cpu = r.cpuPercent.relay;
    return cpu === undefined || r.requestsPerSecond <= 0 ? [] : [(cpu / 100 / r.requestsPerSecond) * 1e6];
  });
  return values.length > 0 ? median(values) : undefined;
}

function notes(scenarios: ScenarioResult[], cycles: CycleMeasurement[]): string[] {
  const notes: string[] = [];
  const busiest = Math.max(0, ...scenarios.map((s) => medianCpu(s.runs, 'other') ?? 0));
  if (busiest > BUSY_MACHINE_PERCENT) {
    notes.push(
      `other processes used up to ${Math.round(busiest)}% of a core during the overhead windows: the machine was not quiet.`,
    );
  }
  const gateway = scenarios.find((s) => s.name === OVERHEAD_NAMES.gateway);
  const cpu = gateway ? medianCpu(gateway.runs, 'relay') : undefined;
  const perRequest = gateway ? relayMicrosPerRequest(gateway) : undefined;
  if (cpu !== undefined && perRequest !== undefined) {
    notes.push(
      `the control process (gateway) used ${Math.round(cpu)}% of a core in the gateway windows, ` +
        `${Math.round(perRequest)} µs per forwarded request (JSON: cpuPercent.relay); ` +
        '`server` is the region node on every row.',
    );
  }
  const bare = scenarios.find((s) => s.name === OVERHEAD_NAMES.bareRelay);
  const barePerRequest = bare ? relayMicrosPerRequest(bare) : undefined;
  const direct = scenarios.find((s) => s.name === OVERHEAD_NAMES.direct)?.median;
  if (bare && barePerRequest !== undefined && direct && direct.requestsPerSecond > 0) {
    const regionCost = bare.median.serverMicrosPerRequest;
    const perCpu =
      direct.serverMicrosPerRequest !== undefined && regionCost !== undefined
        ? `, per CPU ${(direct.serverMicrosPerRequest / (regionCost + barePerRequest)).toFixed(2)}`
        : '';
    notes.push(
      `the bare relay (the floor of a relay in Node): ${Math.round(barePerRequest)} µs per forwarded request, ` +
        `${(bare.median.requestsPerSecond / direct.requestsPerSecond).toFixed(2)} of the direct req/s${perCpu}` +
        (perRequest === undefined
          ? ''
          : `; the gateway costs ${(perRequest / barePerRequest).toFixed(2)} × it`),
    );
  }
  const flaps = cycles.reduce((sum, c) => sum + c.readFailuresWhileFailedOver, 0);
  if (flaps > 0) notes.push(`${flaps} reads failed while failed over, after the read outage had ended.`);
  return notes;
}
