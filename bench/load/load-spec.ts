/** One load run: a single request shape, repeated by `connections` workers for a fixed time. */
export interface LoadSpec {
  /** Address to connect to; the servers listen on loopback only. */
  host: string;
  port: number;
  /** TLS server name and `Host` header; `localhost` selects the region's default vault. */
  servername: string;
  /** CA that signed the server's certificate. */
  caPem: string;
  method: 'GET' | 'PUT' | 'POST';
  /** Path and query, e.g. `/secrets/bench-secret/?api-version=2026-04-01`. */
  path: string;
  headers: Record<string, string>;
  /** When set, every request carries `{"value": "…"}` with a new value of this many characters. */
  valueBytes?: number | undefined;
  /** When set, every request carries exactly this JSON body (e.g. a sign request). */
  body?: string | undefined;
  /** Requests in flight at any time, each on its own keep-alive connection. */
  connections: number;
  /** Requests run but not counted, so connections are open and the JIT has settled. */
  warmupMs: number;
  /** The measured window. */
  durationMs: number;
}

/** What one load run measured. Only responses that arrived inside the window count. */
export interface LoadResult {
  /** 2xx responses in the window. */
  ok: number;
  /** Other statuses and network errors in the window. */
  errors: number;
  /** A few distinct error descriptions, to say what went wrong. */
  errorSamples: string[];
  /** Actual length of the window (timers can fire late). */
  windowMs: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** 2xx responses including the warm-up, e.g. how many versions a PUT run created. */
  totalOk: number;
}

/** Sent while the load runs, so the orchestrator can sample process CPU over the same window. */
export type LoadEvent = { phase: 'measuring' } | { phase: 'done' };
