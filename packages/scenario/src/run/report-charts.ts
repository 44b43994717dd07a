import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * A time span of one failover state, or of a fault (a rule, a toxic), in seconds since the run started;
 * an empty one (to <= from) is not drawn, but its label is in the legend.
 */
export interface Span {
  readonly lane: string;
  readonly label: string;
  readonly from: number;
  readonly to: number;
}

/** A step, at its time in seconds since the run started. */
export interface Mark {
  readonly at: number;
  readonly label: string;
}

/** Calls of one client in one second, by outcome: `ok first try`, `ok after retries`, or `failed: <code>`. */
export interface CallBucket {
  readonly second: number;
  readonly client: string;
  readonly outcome: string;
  readonly calls: number;
}

/** A latency percentile of one client in one second. */
export interface LatencyPoint {
  readonly second: number;
  readonly series: string;
  readonly ms: number;
}

/** The replication lag at one moment, in seconds since the run started. */
export interface LagPoint {
  readonly at: number;
  readonly entries: number | null;
  readonly seconds: number | null;
}

const WIDTH = 760;
const OK_OUTCOMES = ['ok first try', 'ok after retries'];
const OK_COLOURS = ['#4c9a2a', '#e0a030'];
// Failures in reds and purples, one per error code, so that a 503 storm and a 429 storm look different.
const FAILED_COLOURS = ['#c0392b', '#8e44ad', '#e74c3c', '#6c3483', '#a93226', '#d98880', '#512e5f'];

// The vault's states by what they mean to a client: serving all, moving, serving reads only; faults grey.
const TIMELINE_COLOURS: Readonly<Record<string, string>> = {
  normal: '#4c9a2a',
  'failing-over': '#e67e22',
  'failed-over': '#c0392b',
  'failing-back': '#e0b030',
  fault: '#8c96a0',
};

/** Successes first in green and amber, then each failure code (in order of first appearance) in a red. */
function outcomeColours(buckets: readonly CallBucket[]): { domain: string[]; range: string[] } {
  const failed = [...new Set(buckets.map((b) => b.outcome).filter((o) => !OK_OUTCOMES.includes(o)))];
  return {
    domain: [...OK_OUTCOMES, ...failed],
    range: [...OK_COLOURS, ...failed.map((_, i) => FAILED_COLOURS[i % FAILED_COLOURS.length] as string)],
  };
}

/**
 * The report's charts as SVG, rendered here when the report is written (vega-lite compiled to vega, run
 * headless with no renderer): the report needs no script and no network to show them.
 */
export async function timelineChart(
  spans: readonly Span[],
  marks: readonly Mark[],
  seconds: number,
): Promise<string> {
  // The legend names every label, in the order the run reached it, so that each state the vault went
  // through can be told in the chart, even one shorter than a bar can show (those are not drawn).
  const labels = [...new Set(spans.map((s) => s.label))];
  const spec: TopLevelSpec = {
    width: WIDTH,
    height: 30 * Math.max(1, new Set(spans.map((s) => s.lane)).size) + 20,
    layer: [
      {
        data: { values: spans.filter((s) => s.to > s.from) },
        mark: { type: 'bar', cornerRadius: 2 },
        encoding: {
          // The vault's row first, then the faults in the order they began.
          y: { field: 'lane', type: 'nominal', title: null, sort: null },
          x: timeAxis('from', seconds),
          x2: { field: 'to' },
          color: {
            field: 'label',
            type: 'nominal',
            title: null,
            scale: { domain: labels, range: labels.map((label) => TIMELINE_COLOURS[label] ?? '#3b6ea5') },
          },
          tooltip: [{ field: 'label' }, { field: 'from' }, { field: 'to' }],
        },
      },
      {
        data: { values: [...marks] },
        mark: { type: 'rule', strokeDash: [4, 3], color: '#333' },
        encoding: { x: { field: 'at', type: 'quantitative' } },
      },
    ],
  };
  return render(spec);
}

/** Calls per second of each client, stacked by outcome (failures by error code), one row per client. */
export async function callsChart(buckets: readonly CallBucket[], seconds: number): Promise<string> {
  const spec: TopLevelSpec = {
    data: { values: [...buckets] },
    facet: { row: { field: 'client', type: 'nominal', title: null } },
    spec: {
      width: WIDTH,
      height: 90,
      mark: 'bar',
      encoding: {
        x: { ...timeAxis('second', seconds, 'second'), bin: { step: 1, extent: [0, seconds] } },
        y: { field: 'calls', type: 'quantitative', aggregate: 'sum', title: 'calls' },
        color: {
          field: 'outcome',
          type: 'nominal',
          scale: outcomeColours(buckets),
          title: null,
          legend: { labelLimit: 260 },
        },
      },
    },
  };
  return render(spec);
}

/** p50 and p99 latency per second, one line per client and percentile. */
export async function latencyChart(points: readonly LatencyPoint[], seconds: number): Promise<string> {
  const spec: TopLevelSpec = {
    width: WIDTH,
    height: 180,
    data: { values: [...points] },
    mark: { type: 'line', point: false },
    encoding: {
      x: timeAxis('second', seconds, 'second'),
      y: { field: 'ms', type: 'quantitative', title: 'latency, ms', scale: { type: 'symlog' } },
      color: { field: 'series', type: 'nominal', title: null },
    },
  };
  return render(spec);
}

/** The secondary's replication lag over the run: changes behind, and how old its newest applied one is. */
export async function lagChart(points: readonly LagPoint[], seconds: number): Promise<string> {
  const row = (field: 'entries' | 'seconds', title: string) => ({
    width: WIDTH,
    height: 90,
    mark: { type: 'line' as const, interpolate: 'step-after' as const, color: '#3b6ea5' },
    encoding: {
      x: timeAxis('at', seconds),
      y: { field, type: 'quantitative' as const, title },
    },
  });
  const spec: TopLevelSpec = {
    data: { values: [...points] },
    vconcat: [row('entries', 'changes behind'), row('seconds', 'seconds behind')],
  };
  return render(spec);
}

/** Every chart's x axis: seconds since the load started, from 0 to exactly where the run ended. */
function timeAxis(field: string, seconds: number, title = 'seconds since the load started') {
  return { field, type: 'quantitative' as const, title, scale: { domain: [0, seconds], nice: false } };
}

async function render(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile({ ...spec, background: 'white' }).spec), {
    renderer: 'none',
  });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
