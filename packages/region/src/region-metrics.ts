import { Counter, Histogram, Registry } from 'prom-client';

/**
 * Metrics of one region node, on its own registry (no global state). Labels are bounded sets:
 * region, operation names from the catalogue, status codes — never object names or values.
 */
export class RegionMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'operation' | 'status'>;
  readonly duration: Histogram<'operation'>;
  readonly redisErrors: Counter;

  constructor(region: string) {
    this.registry.setDefaultLabels({ region });
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'vaultover_requests_total',
      help: 'Vault API requests by operation and HTTP status.',
      labelNames: ['operation', 'status'],
      registers,
    });
    this.duration = new Histogram({
      name: 'vaultover_request_duration_seconds',
      help: 'Time to answer a vault API request, by operation.',
      labelNames: ['operation'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.redisErrors = new Counter({
      name: 'vaultover_redis_errors_total',
      help: "Errors talking to the region's Redis.",
      registers,
    });
  }

  observe(operation: string, status: number, seconds: number): void {
    this.requests.inc({ operation, status: String(status) });
    this.duration.observe({ operation }, seconds);
  }
}
