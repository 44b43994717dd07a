import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * What became of a request at the global endpoint. A request held by a `hang` window counts as `hang`
 * whatever followed (forwarded when the window closed, or abandoned by its client), so the windows'
 * effect stays visible; every other request counts once, by its fate.
 */
export const GATEWAY_OUTCOMES = [
  'forwarded',
  'failed-window',
  'reset',
  'hang',
  'unavailable',
  'upstream-error',
  'client-aborted',
] as const;
export type GatewayOutcome = (typeof GATEWAY_OUTCOMES)[number];

/** The `region` label of requests no region answered. */
export const NO_REGION = 'none';

/** The gateway's metrics. Labels are region names and outcomes only: never vault or object names. */
export class GatewayMetrics {
  readonly #requests: Counter<'region' | 'outcome'>;
  readonly #duration: Histogram<'region' | 'outcome'>;
  readonly held: Gauge;

  constructor(registry: Registry) {
    const registers = [registry];
    this.#requests = new Counter({
      name: 'vaultover_gateway_requests_total',
      help: 'Requests at the global endpoint by the region that answered and what became of them.',
      labelNames: ['region', 'outcome'],
      registers,
    });
    this.#duration = new Histogram({
      name: 'vaultover_gateway_request_duration_seconds',
      help: 'Time from a request reaching the global endpoint to its response being written (or abandoned).',
      labelNames: ['region', 'outcome'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.held = new Gauge({
      name: 'vaultover_gateway_held_requests',
      help: 'Requests held right now by a `hang` failover window.',
      registers,
    });
  }

  /** Counts one finished request that started at `startedAt` (performance.now() milliseconds). */
  record(region: string, outcome: GatewayOutcome, startedAt: number): void {
    this.#requests.inc({ region, outcome });
    this.#duration.observe({ region, outcome }, (performance.now() - startedAt) / 1000);
  }
}
