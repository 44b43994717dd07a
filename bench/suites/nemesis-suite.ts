import { type NemesisReport, nemesisDeploymentConfig, runNemesis } from '@vaultover/nemesis';
import { startDeployment } from '../failover/deployment.ts';
import type { Suite, SuiteResult, Verdict } from '../suite.ts';

const MIB = 1024 * 1024;

/**
 * The history checker under a nemesis for as long as asked (docs/reliability.md#the-history-checker):
 * operations checked, faults injected, anomalies (the target is none), and whether the region nodes'
 * memory and descriptors stayed flat from start to end.
 */
export const nemesisSuite: Suite = {
  name: 'nemesis',
  description: 'the history checker under kills, partitions, fault rules and failovers (--minutes N)',
  // A window is some 12 s of the time estimate; a nemesis minute is five of them.
  windows: (options) => Math.ceil(options.nemesis.minutes * 5),
  async run(context) {
    const { minutes, mode, seed } = context.options.nemesis;
    const deployment = await startDeployment(
      context,
      context.options.failover,
      nemesisDeploymentConfig(mode),
    );
    let report: NemesisReport;
    try {
      const { ready } = deployment;
      const started = Date.now();
      report = await runNemesis({
        target: { ...ready, endpointsFile: deployment.endpointsFile },
        mode,
        durationMs: minutes * 60_000,
        seed,
        say: (line) => context.progress(`${elapsed(started)} ${line}`),
      });
    } finally {
      await deployment.stop();
    }
    return nemesisResult(report, minutes);
  },
};

function elapsed(since: number): string {
  const seconds = Math.round((Date.now() - since) / 1000);
  return `[${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}]`;
}

function nemesisResult(report: NemesisReport, minutes: number): SuiteResult {
  const regions = Object.keys(report.resources.start);
  const growth = (region: string, field: 'rssBytes' | 'fds') =>
    (report.resources.end[region]?.[field] ?? Number.NaN) - (report.resources.start[region]?.[field] ?? 0);
  const verdicts: Verdict[] = [
    {
      name: 'anomalies found by the history checker',
      value: report.anomalies.length,
      target: 0,
      atMost: true,
    },
    ...regions.flatMap((region) => [
      { name: `${region} node memory growth, MiB`, value: Math.round(growth(region, 'rssBytes') / MIB) },
      { name: `${region} node descriptor growth`, value: growth(region, 'fds') },
    ]),
  ];
  for (const verdict of verdicts)
    if (verdict.target !== undefined) verdict.pass = verdict.value <= verdict.target;
  const { operations, failovers } = report;
  const lines = [
    `operations checked: ${operations.total} (ok ${operations.ok}, fail ${operations.fail}, unknown ${operations.unknown})`,
    `  by kind: ${Object.entries(operations.byKind)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ')}`,
    `faults injected: ${report.faults.length}`,
    `  by kind: ${Object.entries(report.faultsByKind)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ')}`,
    `failovers checked: ${failovers.checked} (${failovers.exact} held to an exact count), changes reported lost: ${failovers.reportedLost}`,
    `anomalies: ${report.anomalies.length}`,
    ...report.anomalies.slice(0, 20).map((anomaly) => `  ${anomaly.check}: ${anomaly.detail}`),
    'region nodes, after the first round of faults → at the end:',
    ...regions.map((region) => {
      const start = report.resources.start[region];
      const end = report.resources.end[region];
      const mib = (bytes: number | undefined) => (bytes === undefined ? '?' : (bytes / MIB).toFixed(0));
      return `  ${region}: RSS ${mib(start?.rssBytes)} → ${mib(end?.rssBytes)} MiB, fds ${start?.fds ?? '?'} → ${end?.fds ?? '?'}`;
    }),
  ];
  return {
    suite: 'nemesis',
    heading: `nemesis: ${minutes} min, ${report.mode} replication, seed ${report.seed}`,
    scenarios: [],
    verdicts,
    facts: { mode: report.mode, seed: String(report.seed) },
    notes: [],
    profiles: [],
    sections: [lines.join('\n')],
    details: report,
  };
}
