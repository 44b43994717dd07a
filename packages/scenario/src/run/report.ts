import type { StepAction } from '../step-schema.ts';
import type { ScenarioSummary } from '../summary.ts';
import type { CallAggregates } from './call-aggregates.ts';
import type { ControlEvent } from './event-follower.ts';
import { faultWindows } from './fault-windows.ts';
import type { ReplicationSample } from './replication-sampler.ts';
import {
  callsChart,
  type LagPoint,
  lagChart,
  latencyChart,
  type Mark,
  type Span,
  timelineChart,
} from './report-charts.ts';
import type { StepOutcome } from './timeline.ts';

/** What the report is drawn from: the run's figures and its raw material. */
export interface ReportInput {
  readonly summary: ScenarioSummary;
  readonly description: string | undefined;
  /** Each step's outcome with a one-line description, in file order. */
  readonly steps: readonly {
    readonly what: string;
    readonly action: StepAction;
    readonly outcome: StepOutcome;
  }[];
  readonly events: readonly ControlEvent[];
  readonly calls: CallAggregates;
  readonly replication: readonly ReplicationSample[];
  /** Epoch ms. */
  readonly startedAt: number;
  readonly endedAt: number;
}

/**
 * report.html: one self-contained page (inline styles, charts as inline SVG, no script, no request) that
 * someone who was not there can read: the verdict and the expectations, the failover's figures, a
 * timeline of the vault's states with the steps and the fault windows marked, calls per second by outcome (failures by error
 * code) and latency per client, the replication lag, and the retry policies side by side.
 */
export async function reportHtml(input: ReportInput): Promise<string> {
  const { summary } = input;
  const seconds = Math.max(1, Math.ceil((input.endedAt - input.startedAt) / 1000));
  const at = (epochMs: number) => Math.round((epochMs - input.startedAt) / 100) / 10;
  const marks: Mark[] = input.steps.flatMap(({ what, outcome }) =>
    outcome.kind === 'not-run' ? [] : [{ at: at(outcome.startedAt), label: what }],
  );
  const lag: LagPoint[] = input.replication.map((sample) => ({
    at: at(sample.t),
    entries: sample.lagEntries,
    seconds: sample.lagSeconds,
  }));
  const [timeline, calls, latency, replication] = await Promise.all([
    timelineChart([...stateSpans(input.events, at, seconds), ...faultSpans(input, at)], marks, seconds),
    callsChart(input.calls.buckets(), seconds),
    latencyChart(input.calls.latencyPoints(), seconds),
    lagChart(lag, seconds),
  ]);
  const pair = input.replication[0];
  const verdict = summary.verdict === 'pass' ? 'PASS' : 'FAIL';
  const failover = summary.failover;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>${esc(summary.scenario)}: ${verdict}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:860px;color:#222}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:8px 0}td,th{padding:3px 10px;border-bottom:1px solid #eee;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}.pass{color:#2e7d32;font-weight:600}.fail{color:#c62828;font-weight:600}
.verdict{font-size:18px;padding:6px 12px;display:inline-block;border-radius:4px;background:${summary.verdict === 'pass' ? '#e8f5e9' : '#ffebee'}}
figure{margin:8px 0}svg{max-width:100%;height:auto}
</style></head><body>
<h1>Scenario ${esc(summary.scenario)}</h1>
<p>${esc(input.description ?? '')}</p>
<p class="verdict ${summary.verdict}">${verdict}</p>
<p>Seed ${summary.seed}; load ran ${seconds} s from ${new Date(input.startedAt).toISOString()}.</p>
<h2>Expectations</h2>
<table><tr><th>expectation</th><th>actual</th><th>compared with</th><th>verdict</th></tr>
${summary.expectations.map((e) => `<tr><td><code>${esc(e.name)}</code></td><td class="n">${e.actual ?? 'none'}</td><td class="n">${e.expected ?? 'none'}</td><td class="${e.pass ? 'pass' : 'fail'}">${e.pass ? 'pass' : 'FAIL'}</td></tr>`).join('\n')}
</table>
<h2>Failover</h2>
${
  failover
    ? `<table>
<tr><td>detection (fault → failover started)</td><td class="n">${failover.detectionSeconds} s</td></tr>
<tr><td>RTO (fault → the secondary serves)</td><td class="n">${failover.rtoSeconds} s</td></tr>
<tr><td>writes unavailable (fault → failback done)</td><td class="n">${failover.writesUnavailableSeconds} s</td></tr>
<tr><td>RPO (acknowledged changes the secondary lacked)</td><td class="n">${failover.rpoChanges}</td></tr>
</table>`
    : '<p>The run provoked no failover.</p>'
}
<p>Failovers ${summary.failovers}, failbacks ${summary.failbacks}; acknowledged writes missing at the end: ${summary.acknowledgedWritesMissing}.</p>
<h2>Timeline</h2>
<p>The vault's state, and below it each fault while it was in force; dashed lines are the steps.</p>
<figure>${timeline}</figure>
<table><tr><th>#</th><th>at</th><th>step</th><th>outcome</th></tr>
${input.steps.map(({ what, outcome }, i) => `<tr><td>${i + 1}</td><td class="n">${outcome.kind === 'not-run' ? '' : `${at(outcome.startedAt)} s`}</td><td>${esc(what)}</td><td class="${outcome.kind === 'done' ? 'pass' : 'fail'}">${outcome.kind === 'done' ? 'done' : esc(`${outcome.kind}: ${outcome.reason}`)}</td></tr>`).join('\n')}
</table>
<h2>Calls per second</h2>
<figure>${calls}</figure>
<h2>Latency per second (p50, p99)</h2>
<figure>${latency}</figure>
<h2>Replication lag</h2>
<p>${pair ? `What ${esc(pair.secondary)} had not applied of ${esc(pair.primary)}'s changes, as the control process last saw both (every 0.5 s); while ${esc(pair.primary)} is down its last known position stands.` : 'No sample of the replication lag could be taken.'}</p>
<figure>${replication}</figure>
<h2>Retry policies side by side</h2>
<table><tr><th>client</th><th>policy</th><th>calls</th><th>success</th><th>attempts/call</th><th>p50</th><th>p99</th><th>gave up</th><th>errors</th></tr>
${Object.entries(summary.clients)
  .map(
    ([name, c]) =>
      `<tr><td>${esc(name)}</td><td>${esc(c.policy)}</td><td class="n">${c.calls}</td><td class="n">${c.calls ? `${((100 * c.succeeded) / c.calls).toFixed(1)} %` : ''}</td><td class="n">${c.amplification}</td><td class="n">${c.p50Ms ?? ''} ms</td><td class="n">${c.p99Ms ?? ''} ms</td><td class="n">${c.gaveUp}</td><td>${esc(
        Object.entries(c.errorsByCode)
          .map(([code, n]) => `${code} ${n}`)
          .join(', '),
      )}</td></tr>`,
  )
  .join('\n')}
</table>
</body></html>
`;
}

/**
 * The vault's states as spans: `normal` from the start, then each transition's target until the next. A
 * state left within the same tenth of a second stays, empty, so that the chart's legend still names it.
 */
function stateSpans(events: readonly ControlEvent[], at: (ms: number) => number, end: number): Span[] {
  const spans: Span[] = [];
  let state = 'normal';
  let from = 0;
  for (const event of events) {
    if (event.kind !== 'transition' || typeof event.details.to !== 'string') continue;
    const t = Math.max(0, at(Date.parse(event.time)));
    spans.push({ lane: 'vault', label: state, from, to: t });
    state = event.details.to;
    from = t;
  }
  spans.push({ lane: 'vault', label: state, from, to: end });
  return spans;
}

/** The faults the steps put in force, one row each, from the steps that ran to the end. */
function faultSpans(input: ReportInput, at: (ms: number) => number): Span[] {
  const done = input.steps.flatMap(({ action, outcome }) =>
    outcome.kind === 'done' ? [{ action, startedAt: outcome.startedAt }] : [],
  );
  return faultWindows(done, input.endedAt).map((window) => ({
    lane: window.what,
    label: 'fault',
    from: at(window.from),
    to: at(window.to),
  }));
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
