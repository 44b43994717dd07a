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
  const { rounds } = report.resources;
  const regions = Object.keys(report.resources.end);
  // Every node is killed and started again in every round, so one sample says little: a leak shows as
  // peaks that keep rising. Compare the highest of the second half of the rounds with the first half's.
  const peak = (samples: typeof rounds, region: string, field: 'rssBytes' | 'fds') =>
    Math.max(...samples.map((sample) => sample[region]?.[field] ?? 0));
  const half = Math.floor(rounds.length / 2);
  const peaks = (region: string, field: 'rssBytes' | 'fds') =>
    [peak(rounds.slice(0, half), region, field), peak(rounds.slice(half), region, field)] as const;
  const verdicts: Verdict[] = [
    {
      name: 'anomalies found by the history checker',
      value: report.anomalies.length,
      target: 0,
      atMost: true,
    },
    ...(half === 0
      ? []
      : regions.flatMap((region) =>
          (['rssBytes', 'fds'] as const).map((field) => {
            const [first, second] = peaks(region, field);
            const what = field === 'rssBytes' ? 'memory' : 'descriptors';
            return {
              name: `${region} node ${what}, peak of the second half of the rounds / the first half's`,
              value: second / first,
              target: 1.25,
              atMost: true,
            };
          }),
        )),
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
    `region nodes after each of ${rounds.length} rounds of faults (RSS MiB / open descriptors, lowest–highest):`,
    ...regions.map((region) => {
      const values = (field: 'rssBytes' | 'fds', scale: number) => {
        const all = rounds.map((sample) => (sample[region]?.[field] ?? 0) / scale);
        return `${Math.min(...all).toFixed(0)}–${Math.max(...all).toFixed(0)}`;
      };
      return `  ${region}: RSS ${values('rssBytes', MIB)} MiB, fds ${values('fds', 1)}`;
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
