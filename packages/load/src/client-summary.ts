import { type CallRecord, gaveUp } from './call-record.ts';
import type { RetriedBy } from './load-spec.ts';
import { percentile } from './percentile.ts';

/** One client's figures over a whole run: the `clients.<name>` of summary.json. */
export interface ClientSummary {
  /** The retry policy, or `module` for a client module's own retries. */
  policy: RetriedBy;
  calls: number;
  succeeded: number;
  failed: number;
  /** Requests sent over all calls. */
  attempts: number;
  /** attempts / calls: how much a retry policy multiplies the load; 0 without calls. */
  amplification: number;
  p50Ms: number | null;
  p99Ms: number | null;
  /** Failed calls whose failure was transient (see gaveUp in call-record.ts). */
  gaveUp: number;
  errorsByCode: Record<string, number>;
  /** Open loop: calls due that were not started because too many were in flight. */
  dropped: number;
}

/**
 * A client's running totals, fed each record as it ends: the records themselves need not be kept (a long
 * run at a high rate would hold millions), only each call's latency for the percentiles.
 */
export class ClientTally {
  #succeeded = 0;
  #attempts = 0;
  #gaveUp = 0;
  #dropped = 0;
  readonly #errorsByCode: Record<string, number> = {};
  readonly #latencies: number[] = [];

  add(record: CallRecord): void {
    this.#attempts += record.attempts;
    this.#latencies.push(record.latencyMs);
    if (record.outcome === 'ok') this.#succeeded += 1;
    else {
      const code = record.code ?? 'Unknown';
      this.#errorsByCode[code] = (this.#errorsByCode[code] ?? 0) + 1;
    }
    if (gaveUp(record)) this.#gaveUp += 1;
  }

  drop(): void {
    this.#dropped += 1;
  }

  summary(policy: RetriedBy): ClientSummary {
    const calls = this.#latencies.length;
    const round = (value: number | undefined) => (value === undefined ? null : Math.round(value * 10) / 10);
    return {
      policy,
      calls,
      succeeded: this.#succeeded,
      failed: calls - this.#succeeded,
      attempts: this.#attempts,
      amplification: calls === 0 ? 0 : Math.round((this.#attempts / calls) * 1000) / 1000,
      p50Ms: round(percentile(this.#latencies, 50)),
      p99Ms: round(percentile(this.#latencies, 99)),
      gaveUp: this.#gaveUp,
      errorsByCode: { ...this.#errorsByCode },
      dropped: this.#dropped,
    };
  }
}

/** Summarises one client's records: every figure but `dropped` is recomputable from the records alone. */
export function summarizeClient(policy: RetriedBy, records: readonly CallRecord[]): ClientSummary {
  const tally = new ClientTally();
  for (const record of records) tally.add(record);
  return tally.summary(policy);
}
