import { ThresholdsConfigBuilder, ThresholdsMode } from '@grafana/grafana-foundation-sdk/dashboard';

export type Colour = 'green' | 'yellow' | 'orange' | 'red' | 'blue' | 'purple' | 'text';

/** Absolute thresholds: the base colour, then each [from value, colour] step upwards. */
export function thresholds(base: Colour, ...steps: [number, Colour][]): ThresholdsConfigBuilder {
  return new ThresholdsConfigBuilder()
    .mode(ThresholdsMode.Absolute)
    .steps([{ value: null, color: base }, ...steps.map(([value, color]) => ({ value, color }))]);
}

/**
 * The limits the alert rules use too (infra/prometheus/rules/vaultover-alerts.yml): a panel turns red
 * where an alert would fire.
 */
export const LIMITS = {
  /** vaultover_replication_lag_seconds: ReplicationLagHigh fires above this. */
  replicationLagSeconds: 30,
  /** Where the lag panel turns orange: an async secondary a few seconds behind is normal under load. */
  replicationLagSecondsWarning: 5,
  /** Changes a secondary may be behind before the entries panel turns orange. */
  replicationLagEntriesWarning: 100,
  replicationLagEntries: 1000,
  /** Share of 5xx answers that turns the error-ratio panel red. */
  errorRatio: 0.05,
  /** A recovery time worth a look (orange) and one that is too long (red). */
  rtoSecondsWarning: 30,
  rtoSeconds: 60,
} as const;
