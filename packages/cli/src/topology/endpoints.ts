import type { VaultoverConfig } from '../config/index.ts';
import type { Topology } from './topology.ts';

/** The `vaultover ready` JSON, also written to `.vaultover/endpoints.json` (DESIGN §8). */
export interface Endpoints {
  /** The default vault on the primary (a real gateway comes with the control process). */
  gateway: string;
  /** Every region node; pid is its OS process (a chaos target). */
  regions: Record<string, { url: string; role: string; pid: number }>;
  /** CA certificate to trust (NODE_EXTRA_CA_CERTS). */
  caFile: string;
  metrics: string[];
  /** Control API URL; null until the control process exists. */
  control: string | null;
  /** Each vault's own host name on the primary. */
  vaults: Record<string, string>;
  /** Each region's Redis and `control`; pid is null when Vaultover does not own the process. */
  redis: Record<string, { url: string; pid: number | null }>;
  /** The replication link proxies: their HTTP control API and each secondary's proxy name. */
  links: { api: string; proxies: Record<string, string> };
  dataDir: string;
  /** The `vaultover up` process. */
  pid: number;
}

/** The endpoints of a started topology. */
export function buildEndpoints(config: VaultoverConfig, topology: Topology, pid: number): Endpoints {
  const primary = topology.regions[0];
  if (!primary) throw new Error('a topology without regions has no endpoints');
  return {
    gateway: primary.url,
    regions: Object.fromEntries(
      topology.regions.map(({ name, url, role, pid }) => [name, { url, role, pid }]),
    ),
    caFile: primary.caFile,
    metrics: topology.regions.map(({ url }) => `${url}/metrics`),
    control: null,
    vaults: Object.fromEntries(config.vaults.map(({ name }) => [name, vaultUrl(primary.url, name)])),
    redis: Object.fromEntries(
      topology.redis.map(({ name, url, pid }) => [name, { url: redacted(url), pid }]),
    ),
    links: { api: topology.links.api, proxies: { ...topology.links.proxies } },
    dataDir: config.dataDir,
    pid,
  };
}

function vaultUrl(regionUrl: string, vault: string): string {
  const url = new URL(regionUrl);
  url.hostname = `${vault}.${url.hostname}`;
  return url.origin;
}

// endpoints.json is printed and left readable: an external Redis's password must not end up there.
function redacted(redisUrl: string): string {
  const url = new URL(redisUrl);
  if (url.password === '') return redisUrl;
  url.password = '***';
  return url.toString();
}
