import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliProcess } from '@vaultover/cli/test-support';
import { percentile } from '@vaultover/load';
import { listShippedScenarios, type ScenarioSummary } from '@vaultover/scenario';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { launchReportBrowser, type ReportBrowser } from '../support/report-browser.ts';

// The shipped scenarios are the regression suite of the whole simulator: each runs in its --quick
// timings through `vaultover scenario run` (a deployment of its own, real processes, the real SDK
// clients) and must pass. One at a time: each deployment wants the machine's two cores. Each report is
// then opened in headless Chromium, one browser for all six.

let cwd: string;
// A failed scenario's run folder (summary, journal, report, deployment logs) is what explains it: kept.
let failed = false;
// Unset when Chromium did not launch: then every test fails on that, and afterAll has nothing to close.
let browser: ReportBrowser;

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'vaultover-scenarios-'));
  browser = await launchReportBrowser();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (failed) console.error(`the shipped scenarios' run folders are kept in ${cwd}`);
  else await rm(cwd, { recursive: true, force: true });
});

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface JournalLine {
  type: string;
  t: number;
  client?: string;
  outcome?: string;
  code?: string;
  attempts?: number;
  latencyMs?: number;
  kind?: string;
  action?: { kind: string; region?: string; action?: string; fail?: boolean };
  details?: { from?: string; to?: string };
  record?: {
    from: string;
    forced: boolean;
    startedAt: string;
    servingAt: string | null;
    rpo: { lostChanges: number } | null;
  } | null;
  missing?: number;
}

interface ClientAgain {
  calls: number;
  succeeded: number;
  failed: number;
  attempts: number;
  errorsByCode: Record<string, number>;
  latencies: number[];
}

/**
 * Recomputes from journal.jsonl, by its own arithmetic, what the summary says: each client's counts,
 * errors and latency percentiles, the transitions, the RPO and RTO of the failover (from the control's
 * record and the step that caused it), and the acknowledged writes found missing.
 */
function recomputed(journal: JournalLine[]) {
  const clients: Record<string, ClientAgain> = {};
  for (const line of journal.filter((l) => l.type === 'call')) {
    const name = line.client ?? '';
    const client = clients[name] ?? {
      calls: 0,
      succeeded: 0,
      failed: 0,
      attempts: 0,
      errorsByCode: {},
      latencies: [],
    };
    clients[name] = client;
    client.calls += 1;
    client.attempts += line.attempts ?? 0;
    client.latencies.push(line.latencyMs ?? Number.NaN);
    if (line.outcome === 'ok') client.succeeded += 1;
    else {
      client.failed += 1;
      const code = line.code ?? 'Unknown';
      client.errorsByCode[code] = (client.errorsByCode[code] ?? 0) + 1;
    }
  }
  const transitions = journal.filter((l) => l.type === 'event' && l.kind === 'transition');
  const runStart = journal.find((l) => l.type === 'run')?.t ?? Number.NaN;
  const record = journal.find((l) => l.type === 'failover')?.record ?? null;
  let failover: { rtoSeconds: number; rpoChanges: number } | null = null;
  if (record && Date.parse(record.startedAt) >= runStart && record.servingAt) {
    const startedAt = Date.parse(record.startedAt);
    const causes = journal.filter(
      (l) =>
        l.type === 'step' &&
        l.kind === 'started' &&
        l.t <= startedAt &&
        (l.action?.kind === 'failover'
          ? record.forced
          : l.action?.region === record.from &&
            (l.action.kind === 'crash' ||
              (l.action.kind === 'redis' && l.action.action === 'stop') ||
              (l.action.kind === 'health' && l.action.fail === true))),
    );
    const faultAt = causes.at(-1)?.t ?? startedAt;
    failover = {
      rtoSeconds: Math.round(Date.parse(record.servingAt) - faultAt) / 1000,
      rpoChanges: record.rpo?.lostChanges ?? 0,
    };
  }
  const missing = journal.filter((l) => l.type === 'missing-write').length;
  return {
    clients,
    failovers: transitions.filter((l) => l.details?.from === 'failing-over' && l.details.to === 'failed-over')
      .length,
    failbacks: transitions.filter((l) => l.details?.from === 'failing-back' && l.details.to === 'normal')
      .length,
    failover,
    missing,
    missingCounted: journal.find((l) => l.type === 'writes-checked')?.missing,
  };
}

const p = (latencies: number[], q: number) => {
  const value = percentile(latencies, q);
  return value === undefined ? null : Math.round(value * 10) / 10;
};

/**
 * The failover states the vault went through: `normal`, where each run's fresh deployment starts, and
 * both ends of each transition the journal recorded.
 */
function phases(journal: JournalLine[]): string[] {
  const states = new Set(['normal']);
  for (const line of journal) {
    if (line.type !== 'event' || line.kind !== 'transition') continue;
    for (const state of [line.details?.from, line.details?.to]) if (state) states.add(state);
  }
  return [...states];
}

describe('the shipped scenarios, --quick', { timeout: 180_000 }, async () => {
  const shipped = await listShippedScenarios();

  for (const { name } of shipped) {
    it(`${name} passes, and its summary is what its journal says`, async () => {
      onTestFailed(() => {
        failed = true;
      });
      const out = join(cwd, name);
      const run = await runCliProcess(['scenario', 'run', name, '--quick', '--out', out], cwd);
      expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
      expect(run.stdout).toContain(`${name} (seed `);
      expect(run.stdout).toContain('PASS');
      const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as ScenarioSummary;
      expect(summary).toMatchObject({ scenario: name, verdict: 'pass' });
      expect(summary.expectations.every((e) => e.pass)).toBe(true);
      const journal = (await readFile(join(out, 'journal.jsonl'), 'utf8'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as JournalLine);
      const again = recomputed(journal);
      expect({ failovers: summary.failovers, failbacks: summary.failbacks }).toEqual({
        failovers: again.failovers,
        failbacks: again.failbacks,
      });
      for (const [client, figures] of Object.entries(summary.clients)) {
        const { latencies, ...counts } = again.clients[client] ?? { latencies: [] };
        expect({ ...counts, p50Ms: p(latencies, 50), p99Ms: p(latencies, 99) }, client).toEqual({
          calls: figures.calls,
          succeeded: figures.succeeded,
          failed: figures.failed,
          attempts: figures.attempts,
          errorsByCode: figures.errorsByCode,
          p50Ms: figures.p50Ms,
          p99Ms: figures.p99Ms,
        });
      }
      expect(again.failover).toEqual(
        summary.failover && {
          rtoSeconds: summary.failover.rtoSeconds,
          rpoChanges: summary.failover.rpoChanges,
        },
      );
      expect([again.missing, again.missingCounted]).toEqual([
        summary.acknowledgedWritesMissing,
        summary.acknowledgedWritesMissing,
      ]);
      expect(await readFile(join(out, 'junit.xml'), 'utf8')).toContain(`<testsuite name="${name}"`);
      // Self-contained: the charts inline, nothing to fetch.
      const report = await readFile(join(out, 'report.html'), 'utf8');
      expect(report).toContain(`<title>${name}: PASS</title>`);
      expect(report.match(/<svg /g)).toHaveLength(4);
      expect(report).not.toMatch(/<script|<link|src="http/);

      // As a reader sees it: it opens from disk with no error and no request, and every state the vault
      // went through is named in the timeline (the test leaves a screenshot, report.png, in the run folder).
      const view = await browser.open(out);
      expect(view.title).toBe(`${name}: PASS`);
      expect(view.consoleErrors, 'console errors').toEqual([]);
      expect(view.pageErrors, 'page errors').toEqual([]);
      expect(view.requests, 'requests').toEqual([]);
      const png = await readFile(join(out, 'report.png'));
      expect(png.length).toBeGreaterThan(PNG_SIGNATURE.length);
      expect(png.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE), 'report.png is a PNG').toBe(true);
      for (const chart of view.charts) expect(chart.width * chart.height, chart.heading).toBeGreaterThan(0);
      const timeline = view.charts.find((chart) => chart.heading === 'Timeline');
      expect(timeline, 'a chart under the heading Timeline').toBeDefined();
      for (const phase of phases(journal)) {
        expect(timeline?.texts, `the timeline names ${phase}`).toContain(phase);
      }
    });
  }
});
