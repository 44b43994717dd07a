// Grafana's unit ids, by what the panels measure: one place, so that "per second" means the same everywhere.
export const UNITS = {
  seconds: 's',
  bytes: 'bytes',
  bytesPerSecond: 'Bps',
  requestsPerSecond: 'reqps',
  /** Events per second that are not HTTP requests: calls, probes, applied entries, commands. */
  perSecond: 'ops',
  /** Connections per second. */
  connectionsPerSecond: 'cps',
  count: 'short',
  ratio: 'percentunit',
  /** A number that is a code shown through value mappings, or an identifier (an epoch). */
  none: 'none',
} as const;
