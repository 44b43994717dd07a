import type { ThroughputMeasurement } from './max-throughput.ts';
import type { LagMeasurement } from './measure-lag.ts';
import type { ResyncMeasurement } from './resync-time.ts';

// One progress line per measured window, on stderr while the suite runs.

export function describeLag(m: LagMeasurement): string {
  const { lag } = m;
  return (
    `${Math.round(m.requestsPerSecond)} writes/s, lag from ack p50 ${ms(lag.fromAck.p50)} p99 ${ms(lag.fromAck.p99)} ` +
    `max ${ms(lag.fromAck.max)}, from send p99 ${ms(lag.fromSend.p99)}, writer slip p99 ${ms(lag.slip.p99)}, ` +
    `CPU ${describeCpu(m.cpuPercent)}${describeSyscalls(m)}${m.errors > 0 ? `, ${m.errors} ERRORS (${m.errorSamples[0] ?? ''})` : ''}`
  );
}

function describeSyscalls({ serverSyscallsPerWrite: calls }: LagMeasurement): string {
  return calls
    ? `, server system calls per write ${calls.writes.toFixed(2)} writes ${calls.reads.toFixed(2)} reads`
    : '';
}

export function describeThroughput(m: ThroughputMeasurement): string {
  return (
    `${Math.round(m.commits.requestsPerSecond)} commits/s, ${Math.round(m.applied.requestsPerSecond)} applied/s, ` +
    `backlog at end ${m.backlogAtEnd}, drained in ${m.drainMs < 0 ? 'NEVER' : ms(m.drainMs)}, ` +
    `lag p99 ${ms(m.applied.p99Ms)}, CPU ${describeCpu(m.commits.cpuPercent)}`
  );
}

export function describeCpu(cpu: Record<string, number | undefined>): string {
  return Object.entries(cpu)
    .map(([name, percent]) => `${name} ${percent === undefined ? '?' : Math.round(percent)}%`)
    .join(', ');
}

export const ms = (value: number) => `${value.toFixed(2)} ms`;

/** Seconds of a resync's step, or `never` when it did not happen. */
export const resyncSeconds = (value: number | null) => (value === null ? 'never' : (value / 1000).toFixed(2));

export function describeResync(m: ResyncMeasurement): string {
  return (
    `copy swapped in ${resyncSeconds(m.resyncMs)} s, converged ${resyncSeconds(m.convergedMs)} s, ` +
    `${m.keys} keys, peak RSS ${(m.peakRssBytes / 2 ** 20).toFixed(0)} MiB, digests ${m.digestsEqual ? 'equal' : 'DIFFER'}` +
    (m.errors.length > 0 ? `, errors: ${m.errors.join(' | ')}` : '')
  );
}
