import { Counter, Gauge, Registry } from '@vaultover/foundation/metrics';
import type { ApiLink } from './api-link.ts';
import { ToxicLink } from './toxic-link.ts';

/**
 * The links' Prometheus metrics (docs/metrics.md), on a registry of their own. Every value is read at
 * scrape time from what each link counts anyway (`metrics()`: plain numbers a proxy's connections add to,
 * a kernel link's interface counters, asked of the kernel), so relaying a chunk costs nothing more for
 * them. A kernel link carries no connections of ours: it has no series of the connection metrics. `link`
 * is the link's name: a fixed set.
 */
export function linkMetricsRegistry(links: Iterable<ApiLink>): Registry {
  const registry = new Registry();
  const all = [...links];
  // Connections are a proxy's: a kernel link carries none of ours to count.
  const proxies = all.filter((link) => link instanceof ToxicLink);
  const registers = [registry];
  const labelNames = ['link'] as const;
  new Gauge({
    name: 'vaultover_link_enabled',
    help: '1 while the link proxy accepts connections, 0 while it is disabled (refusing them).',
    labelNames,
    registers,
    collect() {
      for (const link of all) this.set({ link: link.name }, link.enabled ? 1 : 0);
    },
  });
  new Gauge({
    name: 'vaultover_link_toxics',
    help: 'Toxics configured on the link proxy now.',
    labelNames,
    registers,
    collect() {
      for (const link of all) this.set({ link: link.name }, link.toxics().length);
    },
  });
  new Gauge({
    name: 'vaultover_link_active_connections',
    help: 'Connections open through the link proxy now.',
    labelNames,
    registers,
    collect() {
      for (const proxy of proxies) this.set({ link: proxy.name }, proxy.metrics().connectionsActive);
    },
  });
  // Counters whose totals the links keep: each scrape shows them as they are.
  new Counter({
    name: 'vaultover_link_connections_total',
    help: 'Connections the link proxy accepted.',
    labelNames,
    registers,
    collect() {
      this.reset();
      for (const proxy of proxies) this.inc({ link: proxy.name }, proxy.metrics().connectionsTotal);
    },
  });
  new Counter({
    name: 'vaultover_link_bytes_total',
    help: 'Bytes the link proxy delivered, by direction (upstream: to the proxied server); bytes a toxic holds or swallows count once delivered, if ever.',
    labelNames: ['link', 'direction'],
    registers,
    async collect() {
      this.reset();
      for (const link of all) {
        const { bytes } = await link.metrics();
        this.inc({ link: link.name, direction: 'upstream' }, bytes.upstream.sentBytes);
        this.inc({ link: link.name, direction: 'downstream' }, bytes.downstream.sentBytes);
      }
    },
  });
  return registry;
}
