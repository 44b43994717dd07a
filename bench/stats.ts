import type { Measurement } from './load/measure-load.ts';
import type { ScenarioResult } from './suite.ts';

/** Median of a non-empty list (mean of the middle two for an even count); 0 for an empty one. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? 0;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? 0) + upper) / 2;
}

/**
 * A scenario's figures. Each column is the median of that column over the runs, so the p99 shown
 * is the typical run's p99, not the p99 of all requests pooled (one bad run would dominate that).
 */
export function summarizeScenario(name: string, description: string, runs: Measurement[]): ScenarioResult {
  return {
    name,
    description,
    runs,
    median: {
      requestsPerSecond: median(runs.map((r) => r.requestsPerSecond)),
      p50Ms: median(runs.map((r) => r.p50Ms)),
      p99Ms: median(runs.map((r) => r.p99Ms)),
      serverMicrosPerRequest: medianServerMicrosPerRequest(runs),
    },
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
  };
}

/**
 * Median CPU time the server spent per request, in µs. Unlike req/s it does not depend on whether
 * the server was the bottleneck, so it compares two servers fairly even when one was held back
 * by the client or by the machine's other processes.
 */
export function medianServerMicrosPerRequest(runs: readonly Measurement[]): number | undefined {
  return medianMicrosPerRequest(runs, 'server');
}

/** Median over the runs of the CPU time `process` spent per successful request, in µs. */
export function medianMicrosPerRequest(runs: readonly Measurement[], process: string): number | undefined {
  const values = runs.map((r) => microsPerRequest(r, process)).filter((v): v is number => v !== undefined);
  return values.length > 0 ? median(values) : undefined;
}

/** CPU time `process` spent per successful request of one run, in µs; undefined where unreadable. */
export function microsPerRequest(run: Measurement, process: string): number | undefined {
  const cpu = run.cpuPercent[process];
  return cpu === undefined || run.requestsPerSecond <= 0
    ? undefined
    : (cpu / 100 / run.requestsPerSecond) * 1e6;
}

/** Median CPU percent of one process over the runs; undefined when never readable. */
export function medianCpu(runs: readonly Measurement[], process: string): number | undefined {
  const values = runs.map((r) => r.cpuPercent[process]).filter((v): v is number => v !== undefined);
  return values.length > 0 ? median(values) : undefined;
}
