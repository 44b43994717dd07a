import type { ProxyView, ToxicConfig } from '@vaultover/link-proxy';
import { table } from './format-status.ts';

/**
 * `vaultover link list`: one row per link, the client link first. A kernel link carries whatever crosses
 * its veth pair (`network`); its LISTEN is the pair's end in vaultover up's namespace, its UPSTREAM the
 * end in the place's namespace.
 */
export function formatLinkList(links: readonly ProxyView[], clientLink: string): string {
  if (links.length === 0) return 'no links\n';
  const rows = links.map((link) => [
    link.name,
    link.kernel ? 'network' : link.name === clientLink ? 'clients' : 'replication',
    link.kernel ? `veth ${link.kernel.peer}` : link.listen,
    link.kernel ? `${link.kernel.netns}: ${link.kernel.device}` : link.upstream || '(no serving region)',
    link.enabled ? 'yes' : 'no',
    link.toxics.length === 0 ? 'none' : link.toxics.map(toxicOf).join('; '),
  ]);
  return `${table(['NAME', 'CARRIES', 'LISTEN', 'UPSTREAM', 'ENABLED', 'TOXICS'], rows).join('\n')}\n`;
}

/** `lag: latency 200ms ±50ms downstream`, `cut: blackhole both toxicity=0.5`, … */
export function toxicOf(toxic: ToxicConfig): string {
  const attributes = toxic.attributes as Record<string, number | undefined>;
  const effect = (() => {
    switch (toxic.type) {
      case 'latency':
        return `latency ${attributes.latency}ms${attributes.jitter ? ` ±${attributes.jitter}ms` : ''}`;
      case 'bandwidth':
        return `bandwidth ${attributes.rate}KB/s`;
      case 'timeout':
      case 'reset_peer':
        return `${toxic.type} after ${attributes.timeout}ms`;
      default:
        return toxic.type;
    }
  })();
  const chance = toxic.toxicity < 1 ? ` toxicity=${toxic.toxicity}` : '';
  return `${toxic.name}: ${effect} ${toxic.stream}${chance}`;
}
