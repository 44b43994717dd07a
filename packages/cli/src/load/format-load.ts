import type { ClientSummary, LiveFigures } from '@vaultover/load';

const ms = (value: number | null | undefined) =>
  value === null || value === undefined ? '–' : `${Math.round(value)} ms`;

/** The live status line: elapsed, calls/s, errors, p99, in flight (and dropped calls, when any). */
export function formatStatusLine(elapsedMs: number, figures: LiveFigures): string {
  const parts = [
    `${(elapsedMs / 1000).toFixed(0).padStart(4)} s`,
    `${figures.callsPerSecond.toFixed(1)} calls/s`,
    `${figures.calls} calls`,
    `${figures.failed} errors`,
    `p99 ${ms(figures.p99Ms)}`,
    `${figures.inFlight} in flight`,
  ];
  if (figures.dropped > 0) parts.push(`${figures.dropped} dropped`);
  return parts.join('  ');
}

/** The per-client summary table printed at the end. */
export function formatSummaryTable(summaries: Record<string, ClientSummary>): string {
  const header = [
    'client',
    'policy',
    'calls',
    'ok',
    'failed',
    'attempts',
    'ampl.',
    'p50',
    'p99',
    'gave up',
    'errors',
  ];
  const rows = Object.entries(summaries).map(([name, s]) => [
    name,
    s.policy,
    String(s.calls),
    String(s.succeeded),
    String(s.failed),
    String(s.attempts),
    s.amplification.toFixed(2),
    ms(s.p50Ms),
    ms(s.p99Ms),
    String(s.gaveUp),
    Object.entries(s.errorsByCode)
      .sort((a, b) => b[1] - a[1])
      .map(([code, count]) => `${code} ${count}`)
      .join(', ') +
      (s.dropped > 0 ? `${Object.keys(s.errorsByCode).length ? '; ' : ''}${s.dropped} dropped` : ''),
  ]);
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) =>
        i === cells.length - 1
          ? cell
          : i >= 2 && i <= 9
            ? cell.padStart(widths[i] ?? 0)
            : cell.padEnd(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}
