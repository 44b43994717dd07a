import { type CallRecord, percentile } from '@vaultover/load';
import type { CallBucket, LatencyPoint } from './report-charts.ts';

/**
 * What a run keeps of its calls once each is in the journal: per client and second (of the call's
 * start, since the load started), the calls by outcome and their latencies, for the report's charts;
 * and per client the request ids its calls sent, to count their attempts in the regions' request log.
 * A long run's records would fill memory; these are a small part of them.
 */
export class CallAggregates {
  readonly #startedAt: () => number;
  readonly #counts = new Map<string, CallBucket>();
  readonly #latencies = new Map<string, { client: string; second: number; ms: number[] }>();
  readonly #requestIds = new Map<string, string[]>();

  /** `startedAt`: when the load started (epoch ms), read at each call. */
  constructor(startedAt: () => number) {
    this.#startedAt = startedAt;
  }

  add(call: CallRecord): void {
    const second = Math.max(0, Math.floor((call.time - this.#startedAt()) / 1000));
    const outcome =
      call.outcome === 'failed'
        ? `failed: ${call.code ?? 'unknown'}`
        : call.firstTry
          ? 'ok first try'
          : 'ok after retries';
    const countKey = `${call.client}|${second}|${outcome}`;
    const bucket = this.#counts.get(countKey);
    this.#counts.set(countKey, { second, client: call.client, outcome, calls: (bucket?.calls ?? 0) + 1 });
    const latencyKey = `${call.client}|${second}`;
    const latencies = this.#latencies.get(latencyKey) ?? { client: call.client, second, ms: [] };
    latencies.ms.push(call.latencyMs);
    this.#latencies.set(latencyKey, latencies);
    const ids = this.#requestIds.get(call.client) ?? [];
    // An id once per call: the SDK keeps one across its retries, so the log's count for it covers them.
    for (const id of new Set(call.requestIds)) ids.push(id);
    this.#requestIds.set(call.client, ids);
  }

  /** Calls per client and second, by outcome: `ok first try`, `ok after retries`, `failed: <code>`. */
  buckets(): CallBucket[] {
    return [...this.#counts.values()];
  }

  /** p50 and p99 latency per client and second. */
  latencyPoints(): LatencyPoint[] {
    return [...this.#latencies.values()].flatMap(({ client, second, ms }) =>
      (
        [
          ['p50', 50],
          ['p99', 99],
        ] as const
      ).flatMap(([name, p]) => {
        const value = percentile(ms, p);
        return value === undefined ? [] : [{ second, series: `${client} ${name}`, ms: value }];
      }),
    );
  }

  /** The attempts the regions logged for a client's calls; null when the log holds none at all. */
  serverAttempts(client: string, byId: ReadonlyMap<string, number>): number | null {
    if (byId.size === 0) return null;
    let total = 0;
    for (const id of this.#requestIds.get(client) ?? []) total += byId.get(id) ?? 0;
    return total;
  }
}
