import type { Principal } from '@vaultover/auth';
import type { Clock } from '@vaultover/foundation';
import type { ServerLimits } from '@vaultover/foundation/http';
import type { Logger } from 'pino';
import type { RegionProcesses } from './api/region-processes.ts';
import type { MonitorSettings } from './monitor/health-monitor.ts';
import type { FailoverSettings } from './orchestrator/failover-settings.ts';

/** A region the control process watches and routes to. */
export interface ControlRegion {
  name: string;
  role: 'primary' | 'secondary';
  /** The region node's base URL. */
  url: string;
  /**
   * The region's Redis, when the deployment shares it: read only at promotion, for the old primary's
   * exact final change position (the RPO). Without it, the RPO counts from the last health probe.
   */
  storeUrl?: string;
}

/** Everything a control process needs; every timing has a default (MONITOR_DEFAULTS, FAILOVER_DEFAULTS). */
export interface ControlOptions {
  /** The control Redis: failover state, write lease, events, transition jobs. */
  controlRedisUrl: string;
  /** A primary and one secondary (the pair this process fails over). */
  regions: readonly ControlRegion[];
  /** The deployment's data directory: its CA and token signing key are shared with the region nodes. */
  dataDir: string;
  hostnames?: readonly string[];
  principals: Record<string, Principal>;
  /** Principal whose token the control process uses at the regions' admin endpoints. Default `admin`. */
  adminPrincipal?: string;
  tenantId?: string;
  /**
   * Address for the control API and the global endpoint, named in their URLs when it is not loopback (the
   * certificate must cover it: `hostnames`). Default 127.0.0.1.
   */
  host?: string;
  /** Control API port; 0 picks a free one. */
  apiPort?: number;
  /** Global endpoint port; 0 picks a free one. */
  gatewayPort?: number;
  /**
   * Time and connection limits of the control API's and the global endpoint's listeners, over
   * DEFAULT_SERVER_LIMITS (docs/reliability.md). Tests shorten them.
   */
  limits?: Partial<ServerLimits>;
  monitor?: Partial<MonitorSettings>;
  failover?: Partial<FailoverSettings>;
  clock?: Clock;
  logger?: Logger;
  /** Crash/restart regions and stop/start their Redis; only a supervisor can (see RegionProcesses). */
  processes?: RegionProcesses;
}
