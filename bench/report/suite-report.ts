import type { ProfileEntry, ProfileSummary } from '../profile/profile-summary.ts';
import { medianCpu } from '../stats.ts';
import type { BenchOptions, SuiteResult } from '../suite.ts';
import { textTable } from './text-table.ts';

const CPU_COLUMNS = ['server', 'redis', 'client', 'other'] as const;

/** The human-readable result of one suite, for stdout. */
export function suiteReport(result: SuiteResult, options: BenchOptions): string {
  const heading =
    result.heading ??
    `== ${result.suite}: ${options.runs} run(s) × ${options.durationS} s per scenario, ` +
      `${options.connections} connections, ${options.warmupS} s warm-up; medians over runs`;
  const legend = result.scenarios.map((s) => `  ${s.name}: ${s.description}`);
  const sections = [heading, textTable(scenarioRows(result)), ...legend];
  sections.push(...(result.sections ?? []), ...verdictLines(result));
  const facts = Object.entries(result.facts).map(([k, v]) => `${k}: ${v}`);
  if (facts.length > 0) sections.push(facts.join(', '));
  sections.push(...result.notes.map((note) => `note: ${note}`));
  sections.push(...result.profiles.map(profileReport));
  return sections.join('\n');
}

function scenarioRows(result: SuiteResult): string[][] {
  const header = ['scenario', 'req/s', 'runs (req/s)', 'p50 ms', 'p99 ms', 'errors'];
  header.push(...CPU_COLUMNS.map((name) => `${name} CPU`), 'server µs/req');
  const rows = result.scenarios.map((s) => [
    s.name,
    Math.round(s.median.requestsPerSecond).toString(),
    s.runs.map((r) => Math.round(r.requestsPerSecond)).join(' '),
    s.median.p50Ms.toFixed(2),
    s.median.p99Ms.toFixed(2),
    String(s.errors),
    ...CPU_COLUMNS.map((name) => percent(medianCpu(s.runs, name))),
    s.median.serverMicrosPerRequest === undefined
      ? '-'
      : Math.round(s.median.serverMicrosPerRequest).toString(),
  ]);
  return [header, ...rows];
}

function percent(value: number | undefined): string {
  return value === undefined ? '-' : `${Math.round(value)}%`;
}

function verdictLines(result: SuiteResult): string[] {
  return result.verdicts.map((v) =>
    v.target === undefined
      ? `${v.name} = ${v.value.toFixed(2)} (information, no target)`
      : `${v.name} = ${v.value.toFixed(2)} (target ${v.atMost ? '≤' : '≥'} ${v.target.toFixed(2)}): ${v.pass ? 'PASS' : 'MISS'}`,
  );
}

function profileReport(profile: ProfileSummary): string {
  const list = (title: string, entries: ProfileEntry[]) =>
    [title, ...entries.map((e) => `  ${e.percent.toFixed(1).padStart(5)}%  ${e.name}`)].join('\n');
  return [
    `-- CPU profile of the server under test: ${profile.file} (${profile.busySamples} busy samples)`,
    list('self time by function:', profile.selfByFunction),
    list('self time by module:', profile.selfByModule),
    list('inclusive time by function:', profile.inclusiveByFunction),
  ].join('\n');
}
