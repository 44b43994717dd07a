import type { ThrottlingSettings } from '@vaultover/region';

/** What the orchestrator tells a server child. */
export interface ServerConfig {
  /** Holds the region's TLS material and token key; the baseline reuses the same certificate. */
  dataDir: string;
  redisUrl: string;
  /** Region: the vault to create and serve. */
  vault: string;
  /** Baseline: the Redis key its handler reads. */
  key: string;
  /** Region: its throttling (off when absent). */
  throttling?: ThrottlingSettings;
  /** Region: run under this control Redis, as `vaultover up` runs regions (its fault rules apply). */
  controlRedisUrl?: string;
}

/** What a server child answers once it listens (always on 127.0.0.1). */
export interface ServerInfo {
  port: number;
  /** The CA that signed its certificate, for the load generator to trust. */
  caFile: string;
}
