import type { ControlStatus, FailoverRecord } from '@vaultover/control';

/** `vaultover status`: the control API's status as a few readable lines and a table of regions. */
export function formatStatus(status: ControlStatus): string {
  const lines = [
    `state    ${status.state}${windowNote(status)}${status.paused ? '  (monitor paused)' : ''}`,
    `epoch    ${status.epoch}`,
    `serving  ${status.serving ?? '(nobody: transition window)'}`,
    '',
    ...table(
      ['REGION', 'ROLE', 'MODE', 'HEALTHY', 'LAG', 'LAST PROBE'],
      Object.entries(status.regions).map(([name, region]) => [
        name,
        region.role,
        region.mode,
        region.healthy ? 'yes' : 'no',
        lagOf(region.replication),
        probeOf(region.lastProbe),
      ]),
    ),
    '',
    `last failover  ${failoverOf(status.lastFailover)}`,
  ];
  return `${lines.join('\n')}\n`;
}

function windowNote(status: ControlStatus): string {
  return status.windowEndsAt === null ? '' : ` (window ends ${status.windowEndsAt})`;
}

/** Secondaries report how far behind they are; a primary's lag is its secondaries' business. */
function lagOf(replication: unknown): string {
  const lag = (replication as { lagEntries?: unknown } | null)?.lagEntries;
  return typeof lag === 'number' ? `${lag} entries` : '-';
}

function probeOf(probe: ControlStatus['regions'][string]['lastProbe']): string {
  if (probe === null) return '-';
  return probe.ok ? `ok ${probe.at}` : `failed ${probe.at}${probe.reason ? `: ${probe.reason}` : ''}`;
}

function failoverOf(record: FailoverRecord | null): string {
  if (record === null) return 'none';
  const how = record.forced ? 'forced' : record.reason;
  const parts = [`${record.from} → ${record.to} (${how}) started ${record.startedAt}`];
  if (record.servingAt) parts.push(`serving ${record.servingAt}`);
  if (record.endedAt) parts.push(`failed back ${record.endedAt}`);
  parts.push(`RPO ${rpoOf(record)}`);
  if (record.recoveredChanges !== null && record.recoveredChanges > 0) {
    parts.push(`${record.recoveredChanges} recovered at failback`);
  }
  return parts.join(', ');
}

function rpoOf(record: FailoverRecord): string {
  const rpo = record.rpo;
  if (rpo === null) return 'not measured yet';
  const refused =
    rpo.unacknowledgedChanges > 0 ? ` (${rpo.unacknowledgedChanges} refused by sync replication)` : '';
  if (rpo.lostChanges === 0) return `0 changes lost${refused}`;
  const window = rpo.lostWindowSeconds === null ? '' : ` (${rpo.lostWindowSeconds} s of writes)`;
  return `${rpo.lostChanges} change${rpo.lostChanges === 1 ? '' : 's'} lost${window}`;
}

/** Left-aligned columns, two spaces apart. */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}
