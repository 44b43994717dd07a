import { Counter, Gauge, Histogram, type Registry } from '@vaultover/foundation/metrics';

/**
 * What became of a connection at the global endpoint. A connection held by a `hang` window counts as
 * `hang` whatever followed (forwarded when the window closed, or abandoned by its client), so the windows'
 * effect stays visible; every other connection counts once, by its fate.
 */
export const GATEWAY_OUTCOMES = [
  'forwarded',
  'failed-window',
  'reset',
  'hang',
  'unavailable',
  'upstream-error',
  'client-aborted',
  'handshake-timeout',
  'refused',
] as const;
export type GatewayOutcome = (typeof GATEWAY_OUTCOMES)[number];

/** The `region` label of connections no region answered. */
export const NO_REGION = 'none';

/**
 * The gateway's metrics, per connection (the gateway routes connections, it does not see requests).
 * Labels are region names, outcomes and directions only: never vault or object names.
 */
export class GatewayMetrics {
  readonly #connections: Counter<'region' | 'outcome'>;
  readonly #routing: Histogram<'region' | 'outcome'>;
  readonly #bytes: Counter<'region' | 'direction'>;
  readonly #closedOnChange: Counter;
  readonly held: Gauge;

  constructor(registry: Registry) {
    const registers = [registry];
    this.#connections = new Counter({
      name: 'vaultover_gateway_connections_total',
      help: 'Client connections at the global endpoint by the region they went to and what became of them.',
      labelNames: ['region', 'outcome'],
      registers,
    });
    this.#routing = new Histogram({
      name: 'vaultover_gateway_routing_duration_seconds',
      help: 'Time from a connection reaching the global endpoint to its fate (relayed, answered, reset, abandoned).',
      labelNames: ['region', 'outcome'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.#bytes = new Counter({
      name: 'vaultover_gateway_bytes_total',
      help: 'Bytes relayed between clients and regions, counted when a relayed connection closes.',
      labelNames: ['region', 'direction'],
      registers,
    });
    this.#closedOnChange = new Counter({
      name: 'vaultover_gateway_connections_closed_on_change_total',
      help: 'Relayed connections closed because the route changed to another epoch (failover, failback).',
      registers,
    });
    this.held = new Gauge({
      name: 'vaultover_gateway_held_connections',
      help: 'Connections held right now by a `hang` failover window.',
      registers,
    });
  }

  /** Counts one connection that arrived at `startedAt` (performance.now() milliseconds) and met its fate. */
  record(region: string, outcome: GatewayOutcome, startedAt: number): void {
    this.#connections.inc({ region, outcome });
    this.#routing.observe({ region, outcome }, (performance.now() - startedAt) / 1000);
  }

  /** Counts the bytes of a relayed connection that has closed. */
  relayed(region: string, fromClient: number, toClient: number): void {
    this.#bytes.inc({ region, direction: 'from-client' }, fromClient);
    this.#bytes.inc({ region, direction: 'to-client' }, toClient);
  }

  closedOnChange(count: number): void {
    if (count > 0) this.#closedOnChange.inc(count);
  }
}
