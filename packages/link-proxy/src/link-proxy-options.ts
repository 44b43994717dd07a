import type { Random } from '@vaultover/foundation';
import { type Clock, systemClock } from '@vaultover/foundation';
import type { VethPair } from './kernel/veth-kernel.ts';
import type { ToxicConfig } from './toxic.ts';

/** Options of a LinkProxy. Only `name` and `upstream` are required. */
export interface LinkProxyOptions {
  name: string;
  /** `host:port` to forward to. */
  upstream: string;
  /** Default '127.0.0.1' (loopback only). */
  listenHost?: string;
  /** Default 0: a free port, kept across disable/enable. */
  listenPort?: number;
  /** Default true. */
  enabled?: boolean;
  /** Default: the real clock. */
  clock?: Clock;
  /** Default: seededRandom(seed). Used for jitter and toxicity. */
  random?: Random;
  /** Seed of the default RNG. Default 1. */
  seed?: number;
}

/** Defaults of the optional LinkProxyOptions, defined once. */
export const LINK_PROXY_DEFAULTS = {
  listenHost: '127.0.0.1',
  listenPort: 0,
  enabled: true,
  clock: systemClock,
  seed: 1,
} as const;

/**
 * A link as the control API shows it (toxiproxy's JSON shape for a proxy). A kernel link listens on
 * nothing and forwards to nothing (`listen` and `upstream` are empty): `kernel` names its veth pair.
 */
export interface ProxyView {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: ToxicConfig[];
  kernel?: VethPair;
}
