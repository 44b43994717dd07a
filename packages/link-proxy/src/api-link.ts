import type { ProxyView } from './link-proxy-options.ts';
import type { LinkMetrics } from './metrics.ts';
import type { ToxicConfig } from './toxic.ts';
import type { ToxicInput } from './toxic-config.ts';

/**
 * A link the toxiproxy-style API drives (control-api.ts): a proxy whose toxics act on each connection
 * (ToxicLink: LinkProxy, the global endpoint's client link), or a link the kernel carries, whose toxics
 * are interface states and queueing disciplines (KernelLink). A change may take a moment (the kernel's
 * commands), so it may answer with a promise; reads answer at once.
 */
export interface ApiLink {
  readonly name: string;
  readonly enabled: boolean;
  /** Disabled: nothing passes until it is enabled again (each kind says how). */
  setEnabled(enabled: boolean): Promise<void>;
  addToxic(input: ToxicInput): ToxicConfig | Promise<ToxicConfig>;
  updateToxic(name: string, input: ToxicInput): ToxicConfig | Promise<ToxicConfig>;
  removeToxic(name: string): void | Promise<void>;
  removeAllToxics(): void | Promise<void>;
  /** The toxic of that name, or ToxicNotFoundError. */
  toxic(name: string): ToxicConfig;
  toxics(): ToxicConfig[];
  /** Its counters; a kernel link asks the kernel for them. */
  metrics(): LinkMetrics | Promise<LinkMetrics>;
  toJSON(): ProxyView;
}
