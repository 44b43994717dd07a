// The recording rules of infra/prometheus/rules/vaultover-recording.yml the dashboards read: the heavier
// queries (every request series, every latency bucket) evaluated once per interval by Prometheus
// instead of by every panel refresh. The dashboards test checks each name is recorded there.
export const RECORDED = {
  /** Requests per second by `region` and `status_class` (2xx, 4xx, 5xx) over 20 s. */
  requestRate: 'region_status_class:vaultover_requests:rate20s',
  /** Median latency by `region` over 20 s. */
  latencyP50: 'region:vaultover_request_duration_seconds:p50_rate20s',
  /** 99th-percentile latency by `region` over 20 s. */
  latencyP99: 'region:vaultover_request_duration_seconds:p99_rate20s',
} as const;
