import { type FaultActionType, REGION_MODES, type RegionMode } from '@vaultover/contract';
import { Counter, Gauge, Histogram, Registry } from '@vaultover/foundation/metrics';
import type { OperationName } from '@vaultover/vault';

/** What the replication gauges show at a scrape; null ⇒ unknown (not applicable, or not yet connected). */
export interface ReplicationGaugeValues {
  lagSeconds: number | null;
  lagEntries: number | null;
  link: 'up' | 'down' | null;
}

/**
 * Metrics of one region node, on its own registry (no global state). Labels are bounded sets:
 * region, operation names from the catalogue, status codes — never object names or values.
 */
export class RegionMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'operation' | 'status'>;
  readonly duration: Histogram<'operation'>;
  readonly redisErrors: Counter;
  /** Replication: labelled by region only (the registry's default label), never by vault. */
  readonly replicationApplyLag: Histogram;
  readonly replicationApplied: Counter;
  readonly replicationResyncs: Counter;
  readonly replicationSyncTimeouts: Counter;
  /** Operations refused because the region is read-only (docs/design.md#read-only-after-failover). */
  readonly readOnlyRejections: Counter<'operation' | 'region'>;
  /** Requests refused with 429 by throttling (docs/chaos.md#throttling), by class. */
  readonly throttledRequests: Counter<'class' | 'region'>;
  /** Requests a fault rule hit (docs/chaos.md): `fault` is the rule's id, a set the control API bounds. */
  readonly faultsInjected: Counter<'fault' | 'action'>;
  /** Requests a fault rule matched that went on unfaulted because the control Redis did not answer. */
  readonly faultsUnevaluated: Counter;
  readonly #region: string;
  #mode: (() => RegionMode) | undefined;
  #leaseHeld: (() => boolean) | undefined;
  #replicationGauges: (() => Promise<ReplicationGaugeValues>) | undefined;

  constructor(region: string) {
    this.#region = region;
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
    this.replicationApplyLag = new Histogram({
      name: 'vaultover_replication_apply_lag_seconds',
      help: "Replication lag of each applied batch: apply time minus the primary's commit time of its last entry.",
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.replicationApplied = new Counter({
      name: 'vaultover_replication_applied_total',
      help: 'Change entries applied from the primary.',
      registers,
    });
    this.replicationResyncs = new Counter({
      name: 'vaultover_replication_resyncs_total',
      help: 'Full resyncs of a vault from a snapshot of the primary (its stream was trimmed past our checkpoint).',
      registers,
    });
    this.replicationSyncTimeouts = new Counter({
      name: 'vaultover_replication_sync_timeouts_total',
      help: 'Writes committed by this primary in sync mode but not acknowledged by every secondary in time (answered 503).',
      registers,
    });
    this.readOnlyRejections = new Counter({
      name: 'vaultover_readonly_rejections_total',
      help: 'Requests refused with 503 because the region is read-only and the operation is not in its allowlist.',
      labelNames: ['operation', 'region'],
      registers,
    });
    this.throttledRequests = new Counter({
      name: 'vaultover_throttled_requests_total',
      help: "Requests refused with 429 because their vault's throttling budget for the window was spent, by class.",
      labelNames: ['class', 'region'],
      registers,
    });
    this.faultsInjected = new Counter({
      name: 'vaultover_faults_injected_total',
      help: 'Requests hit by a fault rule, by rule id and action.',
      labelNames: ['fault', 'action'],
      registers,
    });
    this.faultsUnevaluated = new Counter({
      name: 'vaultover_faults_unevaluated_total',
      help: 'Requests a fault rule matched that went on unfaulted because the control Redis did not answer.',
      registers,
    });
    const mode = () => this.#mode?.();
    new Gauge({
      name: 'vaultover_region_mode',
      help: "The region's mode: one series per mode, 1 for the current one, 0 for the others.",
      labelNames: ['region', 'mode'],
      registers,
      collect() {
        const current = mode();
        if (current === undefined) return;
        for (const m of REGION_MODES) this.set({ region, mode: m }, m === current ? 1 : 0);
      },
    });
    // Read at scrape time from what the control link already knows: nothing on the request path.
    const leaseHeld = () => this.#leaseHeld?.();
    new Gauge({
      name: 'vaultover_write_lease_held',
      help: '1 while this region holds an unexpired write lease (the primary in normal), else 0.',
      labelNames: ['region'],
      registers,
      collect() {
        const held = leaseHeld();
        if (held !== undefined) this.set({ region }, held ? 1 : 0);
      },
    });
    // Gauges are read from the replicator's status at scrape time, so they are never stale.
    const read = () => this.#replicationGauges?.();
    new Gauge({
      name: 'vaultover_replication_lag_seconds',
      help: "Commit-time distance between the primary's newest change and the last applied one.",
      registers,
      async collect() {
        const value = (await read())?.lagSeconds;
        if (value != null) this.set(value);
      },
    });
    new Gauge({
      name: 'vaultover_replication_lag_entries',
      help: 'Changes committed on the primary and not yet applied here.',
      registers,
      async collect() {
        const value = (await read())?.lagEntries;
        if (value != null) this.set(value);
      },
    });
    new Gauge({
      name: 'vaultover_replication_link_up',
      help: "1 while the replication link to the primary's Redis is up, else 0.",
      registers,
      async collect() {
        const link = (await read())?.link;
        if (link != null) this.set(link === 'up' ? 1 : 0);
      },
    });
  }

  /** Where the replication gauges read their values at each scrape. */
  watchReplication(read: () => Promise<ReplicationGaugeValues>): void {
    this.#replicationGauges = read;
  }

  /** Where the write-lease gauge reads, at each scrape, whether the region holds an unexpired lease. */
  watchLease(read: () => boolean): void {
    this.#leaseHeld = read;
  }

  /** Where the mode gauge reads the current mode at each scrape. */
  watchMode(read: () => RegionMode): void {
    this.#mode = read;
  }

  readOnlyRejected(operation: OperationName): void {
    this.readOnlyRejections.inc({ operation, region: this.#region });
  }

  throttled(throttleClass: string): void {
    this.throttledRequests.inc({ class: throttleClass, region: this.#region });
  }

  faultInjected(fault: string, action: FaultActionType): void {
    this.faultsInjected.inc({ fault, action });
  }

  observe(operation: OperationName, status: number, seconds: number): void {
    this.requests.inc({ operation, status: String(status) });
    this.duration.observe({ operation }, seconds);
  }
}
