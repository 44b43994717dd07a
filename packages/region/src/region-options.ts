import type { Principal } from '@vaultover/auth';
import type { Clock } from '@vaultover/foundation';
import type { ServerLimits } from '@vaultover/foundation/http';
import type { PropagationDelays, ReadOnlyProfile, SimulatedClock, VaultSpec } from '@vaultover/vault';
import type { Logger } from 'pino';
import type { ThrottlingSettings } from './throttling/throttle-settings.ts';

/**
 * Everything a region node needs to start. Each field's default is given beside it; the replication
 * ones are REPLICATION_DEFAULTS in region-node.ts.
 */
export interface RegionNodeOptions {
  /** Region name, e.g. `westeurope`; shown in `x-ms-keyvault-region` and metric labels. */
  region: string;
  role: 'primary' | 'secondary';
  /**
   * Address to bind, and to name in the node's URL when it is not loopback (`https://<host>:<port>`; the
   * certificate must cover it: `hostnames`). Loopback by default.
   */
  host?: string;
  /** Port to listen on; 0 picks a free one. */
  port?: number;
  /** Extra host names (DNS or IP) for the TLS certificate and vault routing. */
  hostnames?: string[];
  /** Where keys, certificates and generated secrets are kept. */
  dataDir: string;
  /** The region's Redis. */
  redisUrl: string;
  /** Redis for BullMQ queues (scheduled purges); defaults to the region's Redis. */
  queueRedisUrl?: string;
  vaults: VaultSpec[];
  /** Vault served on a plain host (`localhost`, `127.0.0.1`). */
  defaultVault: string;
  principals: Record<string, Principal>;
  /** Tenant named in the 401 challenge. */
  tenantId?: string;
  /** Simulated milliseconds per real millisecond. */
  timeScale?: number;
  /** Base64 of 32 bytes; otherwise generated into the data directory. */
  masterKey?: string;
  logger?: Logger;
  /** Which operations the region serves when read-only (after a failover); `2016` by default. */
  readOnlyProfile?: ReadOnlyProfile;
  /**
   * How long deletes, recovers, purges and self-signed certificate creations take to show, in simulated
   * ms, as in the real service (docs/vault-api.md, "Propagation delays"); none by default.
   */
  delays?: PropagationDelays;
  /** Throttling of the data plane per vault (docs/chaos.md#throttling); `{ mode: 'off' }` by default. */
  throttling?: ThrottlingSettings;
  /** Injected clock (tests); otherwise a SimulatedClock with `timeScale`. */
  clock?: SimulatedClock;
  /**
   * Time and connection limits of the HTTPS listener, over DEFAULT_SERVER_LIMITS (10 s for the TLS
   * handshake and for each request's headers, 1024 connections; docs/reliability.md). Tests shorten them.
   */
  limits?: Partial<ServerLimits>;
  /**
   * The control Redis of a failover deployment. With it, the node takes its mode and epoch from the
   * failover state there and, as the writer, renews its write lease (fencing); until it has read them it
   * serves nothing. Without it, the role decides: a primary read-write, a secondary standby.
   */
  control?: {
    redisUrl: string;
    /** Must match the control process's. Default 2000. */
    leaseMs?: number;
    /** Default leaseMs / 4. */
    renewIntervalMs?: number;
    /**
     * The clock of the fault rules kept there: it dates their hits against the windows the control
     * process set on its own clock (so real time, not the simulated one), times delays and hangs, and
     * drives the fallback reload. Default: the system clock.
     */
    faultClock?: Clock;
    /**
     * Log every request of both planes to the control Redis (contract's REQUEST_LOG_KEY): its client
     * request id, operation, status and fault hits, for scenarios to count attempts on the server.
     * Default false.
     */
    requestLog?: boolean;
  };
  /** Replication settings. A secondary pulls from `primaryRedisUrl` (in the embedded topology, the link proxy in front of the primary's Redis). A primary trims its streams below what `secondaries` acknowledged. */
  replication?: {
    primaryRedisUrl?: string;
    secondaries?: string[];
    trimIntervalMs?: number;
    hardCap?: number;
    /** `async` (default): a primary answers once its own write is done. `sync`: only once every secondary acknowledged it. */
    mode?: 'async' | 'sync';
    /** Sync mode: how long a write waits for the secondaries' acknowledgements before it fails with 503. Default 5000. */
    syncTimeoutMs?: number;
  };
}
