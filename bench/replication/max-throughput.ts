import { setTimeout as sleep } from 'node:timers/promises';
import type { Measurement } from '../load/measure-load.ts';
import { CpuWindow } from '../proc-cpu.ts';
import { percentiles } from './lag-stats.ts';
import type { VaultPair } from './vault-pair.ts';

// Well above the observer child's flush interval (20 ms) plus an IPC hop.
const OBSERVER_GRACE_MS = 250;

/** How one saturation window runs. */
export interface ThroughputSchedule {
  prefix: string;
  /** Writes in flight at once (closed loop: each writer sends its next write when the last is acknowledged). */
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** How long the secondary may take to catch up once writing stops. */
  drainMs: number;
}

/** Commits at the primary and applies at the secondary over the same window. */
export interface ThroughputMeasurement {
  /** req/s = commits/s at the primary; p50/p99 = commit latency (send to acknowledgement). */
  commits: Measurement;
  /** req/s = entries applied/s at the secondary (checkpoint advance); p50/p99 = lag from acknowledgement. */
  applied: Measurement;
  /** Entries committed but not yet applied when the window closed. */
  backlogAtEnd: number;
  /** From the end of writing until the secondary's checkpoint reached the primary's position; -1 if never. */
  drainMs: number;
}

/**
 * Drives the primary as hard as `concurrency` closed-loop writers can, and reads both positions at the
 * window's edges: the primary's counter says what was committed, the secondary's checkpoint what was
 * applied. Applied/s below commits/s with a growing backlog means the secondary does not keep up.
 */
export async function measureThroughput(
  pair: VaultPair,
  schedule: ThroughputSchedule,
  watched: Record<string, number>,
): Promise<ThroughputMeasurement> {
  const sentAt: number[] = [];
  const ackedAt: number[] = [];
  const appliedAt: number[] = [];
  const forget = pair.onApplied((prefix, seq, at) => {
    if (prefix === schedule.prefix && appliedAt[seq] === undefined) appliedAt[seq] = at;
  });
  let next = 0;
  let failures = 0;
  const errorSamples: string[] = [];
  let writing = true;
  const worker = async () => {
    while (writing) {
      const seq = next++;
      sentAt[seq] = performance.now();
      try {
        await pair.write(schedule.prefix, seq);
        ackedAt[seq] = performance.now();
      } catch (error) {
        failures++;
        if (errorSamples.length < 3) errorSamples.push(String(error));
      }
    }
  };
  const cpu = new CpuWindow({ ...watched, client: process.pid });
  try {
    const workers = Array.from({ length: schedule.concurrency }, worker);
    await sleep(schedule.warmupMs);
    const [committed0, applied0] = await positions(pair);
    const windowStart = performance.now();
    cpu.begin();
    await sleep(schedule.durationMs);
    const [committed1, applied1] = await positions(pair);
    const windowEnd = performance.now();
    const cpuPercent = cpu.end();
    writing = false;
    await Promise.all(workers);
    const drainMs = await drain(pair, performance.now(), schedule.drainMs);
    // The observer child sends its stamps in batches: let the last batch arrive before counting.
    await sleep(OBSERVER_GRACE_MS);
    const inWindow = (seq: number) => {
      const acked = ackedAt[seq];
      return acked !== undefined && acked >= windowStart && acked < windowEnd;
    };
    const latencies: number[] = [];
    const lags: number[] = [];
    for (let seq = 0; seq < next; seq++) {
      if (!inWindow(seq)) continue;
      const acked = ackedAt[seq] ?? 0;
      latencies.push(acked - (sentAt[seq] ?? acked));
      const applied = appliedAt[seq];
      lags.push(applied === undefined ? Number.POSITIVE_INFINITY : applied - acked);
    }
    const windowMs = windowEnd - windowStart;
    const perSecond = (count: number) => (count / windowMs) * 1000;
    const base = {
      errors: failures,
      errorSamples,
      windowMs,
      totalOk: ackedAt.filter(Boolean).length,
      cpuPercent,
    };
    const latency = percentiles(latencies);
    const lag = percentiles(lags);
    return {
      commits: {
        ...base,
        ok: latencies.length,
        requestsPerSecond: perSecond(committed1 - committed0),
        p50Ms: latency.p50,
        p99Ms: latency.p99,
        maxMs: latency.max,
      },
      applied: {
        ...base,
        errors: lags.filter((l) => l === Number.POSITIVE_INFINITY).length,
        ok: lags.length,
        requestsPerSecond: perSecond(applied1 - applied0),
        p50Ms: lag.p50,
        p99Ms: lag.p99,
        maxMs: lag.max,
      },
      backlogAtEnd: committed1 - applied1,
      drainMs,
    };
  } finally {
    writing = false;
    forget();
  }
}

/** Both positions, read at once (two connections, so neither waits for the other). */
function positions(pair: VaultPair): Promise<[number, number]> {
  return Promise.all([pair.primaryPosition(), pair.appliedPosition()]);
}

async function drain(pair: VaultPair, from: number, limitMs: number): Promise<number> {
  const target = await pair.primaryPosition();
  while (performance.now() - from < limitMs) {
    if ((await pair.appliedPosition()) >= target) return performance.now() - from;
    await sleep(5);
  }
  return -1;
}
