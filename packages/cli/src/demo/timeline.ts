import type { ControlEvent, ControlStatus } from '@vaultover/control';
import { outage, type ProbeSample } from './availability-probe.ts';

/** What the demo measured, relative to the crash. */
export interface Timeline {
  /** Transitions, health flips and faults after the crash: seconds since the crash, and what. */
  events: { atMs: number; what: string }[];
  detectionMs: number | null;
  detectionBoundMs: number;
  /** Client-observed: reads failing from the crash until the secondary served them (the RTO). */
  readOutageMs: number | null;
  /** Client-observed: reads failing during the failback window. */
  failbackOutageMs: number | null;
  /** Client-observed: writes failing from the crash until the primary took them again. */
  writeOutageMs: number | null;
  rpo: { lostChanges: number; unacknowledgedChanges: number } | null;
  samples: number;
}

export interface TimelineInput {
  /** Date.now() and performance.now() just before the crash. */
  crashAt: number;
  crashPerf: number;
  probe: readonly ProbeSample[];
  events: readonly ControlEvent[];
  status: ControlStatus;
  detectionBoundMs: number;
}

export function timelineOf(input: TimelineInput): Timeline {
  const since = (iso: string) => Date.parse(iso) - input.crashAt;
  const after = input.events.filter((e) => since(e.time) >= -100);
  const transitionAt = (to: string) => {
    const event = after.find((e) => e.kind === 'transition' && e.details.to === to);
    return event ? since(event.time) : null;
  };
  const failbackAt = transitionAt('failing-back');
  const reads = outage(input.probe, 'read', input.crashPerf);
  const writes = outage(input.probe, 'write', input.crashPerf);
  const failback = failbackAt === null ? null : outage(input.probe, 'read', input.crashPerf + failbackAt);
  const rpo = input.status.lastFailover?.rpo ?? null;
  return {
    events: after.map((e) => ({ atMs: since(e.time), what: describe(e) })),
    detectionMs: transitionAt('failing-over'),
    detectionBoundMs: input.detectionBoundMs,
    readOutageMs: reads?.end == null ? null : reads.end - input.crashPerf,
    failbackOutageMs: failback?.end == null ? null : failback.end - failback.start,
    writeOutageMs: writes?.end == null ? null : writes.end - input.crashPerf,
    rpo: rpo && { lostChanges: rpo.lostChanges, unacknowledgedChanges: rpo.unacknowledgedChanges },
    samples: input.probe.length,
  };
}

function describe(event: ControlEvent): string {
  const d = event.details;
  switch (event.kind) {
    case 'transition':
      return `${String(d.to)} (epoch ${String(d.epoch)})`;
    case 'probe':
      return `monitor: ${String(d.region)} ${d.healthy ? 'up' : 'down'}`;
    case 'fault':
      return `fault: ${String(d.fault)} ${String(d.region)}`;
    default:
      return `${event.kind}: ${JSON.stringify(d)}`;
  }
}

/** The printed timeline: events from the crash, then the figures a failover is judged by. */
export function formatTimeline(t: Timeline): string {
  const s = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(2)} s`);
  const lines = ['Timeline (from the crash)'];
  for (const e of t.events) lines.push(`  ${`+${s(Math.max(0, e.atMs))}`.padStart(9)}  ${e.what}`);
  lines.push('');
  lines.push(
    `  detection               ${s(t.detectionMs)}  (bound ${s(t.detectionBoundMs)}: interval × failures + timeout)`,
  );
  lines.push(`  reads unavailable (RTO) ${s(t.readOutageMs)}  crash → first read served by the secondary`);
  lines.push(`  failback window         ${s(t.failbackOutageMs)}  reads failing while failing back`);
  lines.push(`  writes unavailable      ${s(t.writeOutageMs)}  crash → first write accepted after failback`);
  const rpo = t.rpo;
  const refused = rpo && rpo.unacknowledgedChanges > 0 ? `, ${rpo.unacknowledgedChanges} refused` : '';
  lines.push(
    `  RPO                     ${rpo ? `${rpo.lostChanges} acknowledged changes lost${refused}` : '—'}`,
  );
  lines.push(`  (a client probing every 50 ms through the global endpoint: ${t.samples} requests)`);
  return lines.join('\n');
}
