import type { ApiLink } from './api-link.ts';
import type { ProxyView } from './link-proxy-options.ts';
import { emptyCounters, type LinkProxyMetrics } from './metrics.ts';
import type { ToxicConfig } from './toxic.ts';
import type { ToxicInput } from './toxic-config.ts';
import { ToxicSet } from './toxic-set.ts';

/**
 * A link whose toxics the toxiproxy-style API drives: a LinkProxy, or the global endpoint's client link.
 * Subclasses attach each connection to `toxicSet` and count into `counters`; the toxic operations are
 * the same for every link.
 */
export abstract class ToxicLink implements ApiLink {
  abstract readonly name: string;
  protected readonly toxicSet = new ToxicSet();
  /** Bytes each way, shared by the link's connections. */
  protected readonly counters = emptyCounters();

  abstract get enabled(): boolean;
  /** Disabled: refuses connections and drops the open ones. Enabled: accepts again. */
  abstract setEnabled(enabled: boolean): Promise<void>;
  abstract metrics(): LinkProxyMetrics;
  abstract toJSON(): ProxyView;

  /** Adds a toxic; it applies at once to every open connection (subject to toxicity). */
  addToxic(input: ToxicInput): ToxicConfig {
    return this.toxicSet.add(input);
  }

  /** Updates a toxic's stream, toxicity or attributes; open connections switch over at once. */
  updateToxic(name: string, input: ToxicInput): ToxicConfig {
    return this.toxicSet.update(name, input);
  }

  /** Removes a toxic; data it held goes on in order (swallowed data stays lost). */
  removeToxic(name: string): void {
    this.toxicSet.remove(name);
  }

  removeAllToxics(): void {
    this.toxicSet.removeAll();
  }

  /** The toxic of that name, or ToxicNotFoundError. */
  toxic(name: string): ToxicConfig {
    return this.toxicSet.get(name);
  }

  toxics(): ToxicConfig[] {
    return this.toxicSet.list();
  }
}
