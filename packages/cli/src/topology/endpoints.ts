import { isIP } from 'node:net';
import type { VaultoverConfig } from '../config/index.ts';
import type { Topology } from './topology.ts';

/**
 * The `vaultover ready` JSON, also written to `.vaultover/endpoints.json`
 * (docs/design.md#ready-line-and-endpoints-file).
 */
export interface Endpoints {
  /** The global endpoint (default vault): it routes to whichever region serves. */
  gateway: string;
  /** Every region node; pid is its current OS process (a chaos target; a restart changes it, never the URL). */
  regions: Record<string, { url: string; role: string; pid: number }>;
  /** CA certificate to trust (NODE_EXTRA_CA_CERTS). */
  caFile: string;
  /** Every region's /metrics, then the control process's. */
  metrics: string[];
  /** Control API URL; null when no control process runs (a single region). */
  control: string | null;
  /** The control process's OS pid (a chaos target too), or null. */
  controlPid: number | null;
  /** Each vault's own host name on the global endpoint. */
  vaults: Record<string, string>;
  /** Each region's Redis and `control`; pid is null when Vaultover does not own the process. */
  redis: Record<string, { url: string; pid: number | null }>;
  /**
   * The replication link proxies: their HTTP control API and each secondary's proxy name; and the names
   * of the links the kernel carries, which the same API serves.
   */
  links: { api: string; proxies: Record<string, string>; kernel: string[] };
  dataDir: string;
  /** The Prometheus `vaultover up --prometheus` runs (`http://127.0.0.1:PORT`), else null. */
  prometheus: string | null;
  /** The `vaultover up` process. */
  pid: number;
}

/** The endpoints of a started topology. */
export function buildEndpoints(
  config: VaultoverConfig,
  topology: Topology,
  pid: number,
  prometheus: string | null = null,
): Endpoints {
  const primary = topology.regions[0];
  if (!primary) throw new Error('a topology without regions has no endpoints');
  // Without a control process (one region) clients talk to the primary directly.
  const gateway = topology.control?.gatewayUrl ?? primary.url;
  const controlMetrics = topology.control ? [`${topology.control.url}/metrics`] : [];
  return {
    gateway,
    regions: Object.fromEntries(
      topology.regions.map(({ name, url, role, pid }) => [name, { url, role, pid }]),
    ),
    caFile: primary.caFile,
    metrics: [...topology.regions.map(({ url }) => `${url}/metrics`), ...controlMetrics],
    control: topology.control?.url ?? null,
    controlPid: topology.control?.pid ?? null,
    vaults: Object.fromEntries(config.vaults.map(({ name }) => [name, vaultUrl(gateway, name)])),
    redis: Object.fromEntries(
      topology.redis.map(({ name, url, pid }) => [name, { url: redacted(url), pid }]),
    ),
    links: {
      api: topology.links.api,
      proxies: { ...topology.links.proxies },
      kernel: [...topology.links.kernel],
    },
    dataDir: config.dataDir,
    prometheus,
    pid,
  };
}

/**
 * `https://<vault>.<host>:<port>`. An address has no sub-names: a gateway on one (off loopback, in a
 * network namespace) serves each vault as `<vault>.localhost`, a name its client must resolve to that
 * address itself (docs/network-namespaces.md).
 */
function vaultUrl(baseUrl: string, vault: string): string {
  const url = new URL(baseUrl);
  url.hostname = `${vault}.${isIP(url.hostname.replace(/^\[|\]$/g, '')) === 0 ? url.hostname : 'localhost'}`;
  return url.origin;
}

// endpoints.json is printed and left readable: an external Redis's password must not end up there.
function redacted(redisUrl: string): string {
  const url = new URL(redisUrl);
  if (url.password === '') return redisUrl;
  url.password = '***';
  return url.toString();
}
