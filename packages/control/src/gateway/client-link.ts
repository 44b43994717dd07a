import type { Socket } from 'node:net';
import type { Clock, Random } from '@vaultover/foundation';
import {
  ConnectionToxics,
  type LinkProxyMetrics,
  type ProxyView,
  resetSocket,
  ToxicLink,
} from '@vaultover/link-proxy';
import { CLIENT_LINK_NAME } from './client-link-name.ts';
import type { RouteSource } from './route-source.ts';

export interface ClientLinkOptions {
  routeSource: RouteSource;
  random: Random;
  /** `host:port` the global endpoint listens on (the proxy's `listen`). */
  listen: () => string;
  /** Stops the global endpoint listening and drops its connections (false), or listens again (true). */
  setListening: (listening: boolean) => Promise<void>;
}

/**
 * The link between clients and the global endpoint, driven like a replication link's proxy (the same
 * toxics, the same API shape): every client connection gets the link's toxics, those open when a toxic
 * is added included, whether the gateway relays it to a region or answers it itself. `upstream` is the
 * region serving now. Disabled, the endpoint refuses connections, as a disabled proxy does.
 */
export class ClientLink extends ToxicLink {
  readonly name = CLIENT_LINK_NAME;
  readonly #options: ClientLinkOptions;
  readonly #clock: Clock;
  #enabled = true;
  #connectionsActive = 0;
  #connectionsTotal = 0;

  constructor(options: ClientLinkOptions) {
    super();
    this.#options = options;
    this.#clock = options.routeSource.clock;
  }

  /** The toxics of a client connection just accepted, attached until it closes; wired by the gateway. */
  accept(socket: Socket): ConnectionToxics {
    const toxics = new ConnectionToxics({
      clock: this.#clock,
      random: this.#options.random,
      counters: this.counters,
      // Whatever the client is wired to follows the client's reset (closeTogether).
      reset: () => resetSocket(socket),
    });
    const detach = this.toxicSet.attach(toxics);
    this.#connectionsActive += 1;
    this.#connectionsTotal += 1;
    socket.once('close', () => {
      this.#connectionsActive -= 1;
      toxics.unwire();
      detach();
    });
    return toxics;
  }

  get enabled(): boolean {
    return this.#enabled;
  }

  async setEnabled(enabled: boolean): Promise<void> {
    if (enabled === this.#enabled) return;
    await this.#options.setListening(enabled);
    this.#enabled = enabled;
  }

  metrics(): LinkProxyMetrics {
    return {
      bytes: structuredClone(this.counters),
      connectionsActive: this.#connectionsActive,
      connectionsTotal: this.#connectionsTotal,
      toxicsActive: this.toxicSet.size,
      enabled: this.#enabled,
    };
  }

  toJSON(): ProxyView {
    const decision = this.#options.routeSource.decide();
    return {
      name: this.name,
      listen: this.#options.listen(),
      upstream: decision.kind === 'forward' ? new URL(decision.url).host : '',
      enabled: this.#enabled,
      toxics: this.toxics(),
    };
  }
}
