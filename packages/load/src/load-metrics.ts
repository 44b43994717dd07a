import { Counter, Gauge, Histogram, Registry } from '@vaultover/foundation/metrics';
import { type CallRecord, type CallSink, gaveUp } from './call-record.ts';
import { type LoadClientSpec, retriedBy } from './load-spec.ts';

/** What became of a call, as `vaultover_client_calls_total` labels it. */
export const CALL_OUTCOMES = ['ok', 'ok-retried', 'gave-up', 'failed'] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/**
 * `ok` at the first attempt, `ok-retried` after a retry, `gave-up` for a transient failure the policy did
 * not ride out (gaveUp()), `failed` for any other failure (a 404, a 403, a cancelled call).
 */
export function callOutcome(record: CallRecord): CallOutcome {
  if (record.outcome === 'ok') return record.firstTry ? 'ok' : 'ok-retried';
  return gaveUp(record) ? 'gave-up' : 'failed';
}

/** Requests sent per call: 0 (an open circuit) counts in the first bucket. */
const ATTEMPT_BUCKETS = [1, 2, 3, 4, 5, 6, 8, 10, 15, 20];
/** A call's whole time, every attempt and back-off: from a local hit to the 30 s default timeout and past. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60];

/**
 * What a load's clients saw, as Prometheus metrics (docs/metrics.md, `vaultover_client_*`), on a registry
 * of their own: fed by `record` (a CallSink) as each call ends. `client` is the spec's name and
 * `operation` its mix's, sets the load's specs bound; `code` is the failed call's error code.
 */
export class LoadMetrics {
  readonly registry = new Registry();
  readonly #calls: Counter<'client' | 'operation' | 'outcome'>;
  readonly #failures: Counter<'client' | 'code'>;
  readonly #duration: Histogram<'client' | 'outcome'>;
  readonly #attempts: Histogram<'client'>;
  #inFlight: ((client: string) => number) | undefined;

  constructor(clients: readonly LoadClientSpec[]) {
    const registers = [this.registry];
    this.#calls = new Counter({
      name: 'vaultover_client_calls_total',
      help: 'Calls the load client made, by operation and outcome (ok, ok-retried, gave-up, failed).',
      labelNames: ['client', 'operation', 'outcome'],
      registers,
    });
    this.#failures = new Counter({
      name: 'vaultover_client_call_failures_total',
      help: "Failed calls by the load's error code (the service's, the transport's, Timeout, BrokenCircuit, Cancelled).",
      labelNames: ['client', 'code'],
      registers,
    });
    this.#duration = new Histogram({
      name: 'vaultover_client_call_duration_seconds',
      help: 'Time of a whole call, every attempt and back-off, by outcome (ok, failed).',
      labelNames: ['client', 'outcome'],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.#attempts = new Histogram({
      name: 'vaultover_client_call_attempts',
      help: 'Requests sent per call (each retry is one).',
      labelNames: ['client'],
      buckets: ATTEMPT_BUCKETS,
      registers,
    });
    const inFlight = (client: string) => this.#inFlight?.(client);
    new Gauge({
      name: 'vaultover_client_in_flight',
      help: 'Calls of the load client in flight now.',
      labelNames: ['client'],
      registers,
      collect() {
        for (const { name } of clients) {
          const value = inFlight(name);
          if (value !== undefined) this.set({ client: name }, value);
        }
      },
    });
    const info = new Gauge({
      name: 'vaultover_client_info',
      help: '1 for each load client, labelled with its retry policy (none, sdk-default, fixed, exponential, cockatiel, module).',
      labelNames: ['client', 'policy'],
      registers,
    });
    // Every series a client will have is there from the start at 0, so that the first calls are an
    // increase Prometheus sees rather than a series appearing.
    for (const spec of clients) {
      const client = spec.name;
      info.set({ client, policy: retriedBy(spec) }, 1);
      for (const operation of Object.keys(spec.operations))
        for (const outcome of CALL_OUTCOMES) this.#calls.inc({ client, operation, outcome }, 0);
      for (const outcome of ['ok', 'failed']) this.#duration.zero({ client, outcome });
      this.#attempts.zero({ client });
    }
  }

  /** Counts one ended call: a CallSink. */
  readonly record: CallSink = (record) => {
    const { client } = record;
    this.#calls.inc({ client, operation: record.operation, outcome: callOutcome(record) });
    if (record.outcome === 'failed') this.#failures.inc({ client, code: record.code ?? 'Unknown' });
    this.#duration.observe({ client, outcome: record.outcome }, record.latencyMs / 1000);
    this.#attempts.observe({ client }, record.attempts);
  };

  /** Where the in-flight gauge reads each client's calls in flight at each scrape (the running load). */
  watchInFlight(read: (client: string) => number): void {
    this.#inFlight = read;
  }
}
