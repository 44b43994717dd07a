import { isIP } from 'node:net';
import type { StopStack } from '@vaultover/foundation';
import { type ApiLink, LinkProxy, startControlApi } from '@vaultover/link-proxy';
import type { RedisInstance } from '@vaultover/local-redis';
import type { VaultoverConfig } from '../config/index.ts';
import { administratorAccess } from './administrator-access.ts';

const LOOPBACK = '127.0.0.1';

/** An address as a URL's host names it: IPv6 in brackets. */
function urlHost(address: string): string {
  return isIP(address) === 6 ? `[${address}]` : address;
}

/**
 * The link proxies between the secondaries and the primary's Redis, and their control API (administrators
 * only), which also serves the kernel's links.
 */
export interface ReplicationLinks {
  /** Base URL of the toxiproxy-style HTTP API (loopback); every route but `/metrics` needs an administrator's token. */
  readonly api: string;
  /** Proxy name per secondary region. */
  readonly proxies: Readonly<Record<string, string>>;
  /** The names of the links the kernel carries, served by the same API. */
  readonly kernel: readonly string[];
  /** The URL a secondary's replicator uses to reach the primary's Redis, through its own proxy. */
  primaryUrlFor(secondary: string): string;
}

/**
 * One proxy per secondary (so a test can partition one link and not the others), each in front of the
 * primary's Redis on `links.host` (loopback by default; an address the secondaries reach when they run in
 * network namespaces of their own), and the control API over all of them and over `kernelLinks`, for the
 * deployment's administrators. Every started piece is pushed on `stack`.
 */
export async function startReplicationLinks(
  primary: RedisInstance,
  secondaries: readonly string[],
  config: Pick<VaultoverConfig, 'dataDir' | 'principals' | 'tenantId' | 'links'>,
  stack: StopStack,
  kernelLinks: readonly ApiLink[] = [],
): Promise<ReplicationLinks> {
  const proxies = new Map<string, LinkProxy>();
  const listenHost = config.links.host ?? LOOPBACK;
  for (const secondary of secondaries) {
    const proxy = new LinkProxy({
      name: `${primary.name}-to-${secondary}`,
      upstream: `${primary.host}:${primary.port}`,
      listenHost,
    });
    await proxy.start();
    stack.push(`link proxy ${secondary}`, () => proxy.close());
    proxies.set(secondary, proxy);
  }
  const api = await startControlApi([...proxies.values(), ...kernelLinks], {
    access: await administratorAccess(config),
  });
  stack.push('link control API', () => api.close());
  return {
    api: api.url,
    proxies: Object.fromEntries([...proxies].map(([secondary, proxy]) => [secondary, proxy.name])),
    kernel: kernelLinks.map(({ name }) => name),
    primaryUrlFor(secondary) {
      const proxy = proxies.get(secondary);
      if (!proxy) throw new Error(`no link proxy for ${secondary}`);
      // The replicator's own credentials and the primary URL's options: only the address changes.
      const url = new URL(primary.urlAs('replicator'));
      url.hostname = urlHost(listenHost);
      url.port = String(proxy.listenPort);
      return url.toString();
    },
  };
}
