import { Counter, Gauge, Registry } from 'prom-client';
import type { ToxicLink } from './toxic-link.ts';

/**
 * The links' Prometheus metrics (docs/metrics.md), on a registry of their own. Every value is read at
 * scrape time from what each link counts anyway (`metrics()`: plain numbers its connections add to), so
 * relaying a chunk costs nothing more for them. `link` is the proxy's name: a fixed set.
 */
export function linkMetricsRegistry(links: Iterable<ToxicLink>): Registry {
  const registry = new Registry();
  const all = [...links];
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
      for (const link of all) this.set({ link: link.name }, link.metrics().toxicsActive);
    },
  });
  new Gauge({
    name: 'vaultover_link_active_connections',
    help: 'Connections open through the link proxy now.',
    labelNames,
    registers,
    collect() {
      for (const link of all) this.set({ link: link.name }, link.metrics().connectionsActive);
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
      for (const link of all) this.inc({ link: link.name }, link.metrics().connectionsTotal);
    },
  });
  new Counter({
    name: 'vaultover_link_bytes_total',
    help: 'Bytes the link proxy delivered, by direction (upstream: to the proxied server); bytes a toxic holds or swallows count once delivered, if ever.',
    labelNames: ['link', 'direction'],
    registers,
    collect() {
      this.reset();
      for (const link of all) {
        const { bytes } = link.metrics();
        this.inc({ link: link.name, direction: 'upstream' }, bytes.upstream.sentBytes);
        this.inc({ link: link.name, direction: 'downstream' }, bytes.downstream.sentBytes);
      }
    },
  });
  return registry;
}
