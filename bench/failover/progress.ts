import type { Measurement } from '../load/measure-load.ts';
import type { CycleMeasurement } from './failover-cycle.ts';

// One progress line per measured window or cycle, on stderr.

export function describeRun(m: Measurement): string {
  const cpu = Object.entries(m.cpuPercent)
    .map(([name, percent]) => `${name} ${percent === undefined ? '?' : Math.round(percent)}%`)
    .join(', ');
  const errors = m.errors > 0 ? `, ${m.errors} ERRORS (${m.errorSamples[0] ?? ''})` : '';
  return `${Math.round(m.requestsPerSecond)} req/s, p50 ${m.p50Ms.toFixed(2)} ms, p99 ${m.p99Ms.toFixed(2)} ms, CPU ${cpu}${errors}`;
}

export function describeCycle(c: CycleMeasurement): string {
  return [
    `detection ${ms(c.detectionMs)}`,
    `failing-over→failed-over ${ms(c.failoverTransitionMs)}`,
    `read outage ${ms(c.readOutageMs)} (first failure +${ms(c.readFirstFailureMs)})`,
    `failback: read outage ${ms(c.readFailbackOutageMs)}, write outage ${ms(c.writeFailbackOutageMs)}`,
    `failing-back→normal ${ms(c.failbackTransitionMs)}`,
    `${c.reads} reads, ${c.writes} writes`,
  ].join('; ');
}

export function ms(value: number | undefined): string {
  return value === undefined ? '—' : `${Math.round(value)} ms`;
}
