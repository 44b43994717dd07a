/**
 * The `vaultover up` config a nemesis run wants, beside `dataDir` and `logLevel`: quick windows and probes, so that a
 * short run has room for every fault, and no automatic failback (the nemesis fails back itself, once it
 * has read the promoted secondary). The sync timeout is short for the same reason.
 */
export function nemesisDeploymentConfig(mode: 'sync' | 'async'): string {
  return [
    `replication: { mode: ${mode}, syncTimeoutMs: 1000 }`,
    'failover: { failoverWindowMs: 1000, failbackWindowMs: 1000, minFailedOverMs: 0, autoFailback: false }',
    'monitor: { probeIntervalMs: 500, probeTimeoutMs: 400, failureThreshold: 3, recoveryThreshold: 2 }',
    '',
  ].join('\n');
}
