import { createServer, type Server, type Socket } from 'node:net';
import type { Clock } from '@vaultover/foundation';
import { type Random, seededRandom } from '@vaultover/foundation';
import { Connection } from './connection.ts';
import { ProxyListenError } from './errors.ts';
import { parseHostPort } from './host-port.ts';
import {
  LINK_PROXY_DEFAULTS as DEFAULTS,
  type LinkProxyOptions,
  type ProxyView,
} from './link-proxy-options.ts';
import type { LinkProxyMetrics } from './metrics.ts';
import { ToxicLink } from './toxic-link.ts';

/** One address the proxy forwards: where it listens, and where to. */
interface Route {
  readonly upstream: string;
  readonly upstreamHost: string;
  readonly upstreamPort: number;
  listenPort: number;
  server: Server | null;
}

/**
 * A TCP proxy with toxiproxy-style toxics that apply at once to open connections. It may forward several
 * addresses (the nodes of a Redis Cluster), each on a port of its own: one link, whose toxics, counters
 * and state are shared by all of them, as a network path is.
 */
export class LinkProxy extends ToxicLink {
  readonly name: string;
  /** The first address forwarded (`host:port`); `upstreams` has them all. */
  readonly upstream: string;
  readonly upstreams: readonly string[];
  readonly #routes: readonly Route[];
  readonly #listenHost: string;
  #enabled: boolean;
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #connections = new Set<Connection>();
  #connectionsTotal = 0;

  constructor(options: LinkProxyOptions) {
    super();
    const { name } = options;
    this.name = name;
    this.upstreams = typeof options.upstream === 'string' ? [options.upstream] : [...options.upstream];
    const [first] = this.upstreams;
    if (first === undefined) throw new TypeError(`proxy ${name}: no upstream to forward to`);
    this.upstream = first;
    this.#routes = this.upstreams.map((upstream, index) => {
      const [upstreamHost, upstreamPort] = parseHostPort(upstream);
      // The listen port asked for is the first address's; the others take free ports.
      const listenPort = index === 0 ? (options.listenPort ?? DEFAULTS.listenPort) : 0;
      return { upstream, upstreamHost, upstreamPort, listenPort, server: null };
    });
    this.#listenHost = options.listenHost ?? DEFAULTS.listenHost;
    this.#enabled = options.enabled ?? DEFAULTS.enabled;
    this.#clock = options.clock ?? DEFAULTS.clock;
    this.#random = options.random ?? seededRandom(options.seed ?? DEFAULTS.seed);
  }

  /** Starts listening if enabled. Resolves once the ports are bound. */
  async start(): Promise<void> {
    if (this.#enabled) await this.#listen();
  }

  /** The port clients connect to for the first address (known after start). */
  get listenPort(): number {
    return (this.#routes[0] as Route).listenPort;
  }

  /** Where the proxy listens for each address it forwards (known after start), by that address. */
  get routes(): ReadonlyMap<string, { host: string; port: number }> {
    return new Map(
      this.#routes.map((route) => [route.upstream, { host: this.#listenHost, port: route.listenPort }]),
    );
  }

  get enabled(): boolean {
    return this.#enabled;
  }

  /** Disabled: stops listening (connects are refused) and closes every connection. Enabled: listens again. */
  async setEnabled(enabled: boolean): Promise<void> {
    if (enabled === this.#enabled) return;
    this.#enabled = enabled;
    if (!enabled) return this.#stopListening();
    try {
      await this.#listen();
    } catch (error) {
      this.#enabled = false;
      await this.#stopListening();
      throw error;
    }
  }

  metrics(): LinkProxyMetrics {
    return {
      bytes: structuredClone(this.counters),
      connectionsActive: this.#connections.size,
      connectionsTotal: this.#connectionsTotal,
      toxicsActive: this.toxicSet.size,
      enabled: this.#enabled,
    };
  }

  toJSON(): ProxyView {
    return {
      name: this.name,
      listen: this.#routes.map((route) => `${this.#listenHost}:${route.listenPort}`).join(','),
      upstream: this.upstreams.join(','),
      enabled: this.#enabled,
      toxics: this.toxics(),
    };
  }

  /** Stops listening and closes every connection. Idempotent; the proxy can be started again. */
  async close(): Promise<void> {
    await this.#stopListening();
  }

  #accept(route: Route, client: Socket): void {
    this.#connectionsTotal += 1;
    const connection: Connection = new Connection(client, {
      upstreamHost: route.upstreamHost,
      upstreamPort: route.upstreamPort,
      counters: this.counters,
      clock: this.#clock,
      random: this.#random,
      toxics: this.toxicSet,
      onClose: () => this.#connections.delete(connection),
    });
    this.#connections.add(connection);
  }

  async #listen(): Promise<void> {
    for (const route of this.#routes) {
      if (route.server) continue;
      const server = createServer((client) => this.#accept(route, client));
      route.server = server;
      await new Promise<void>((resolve, reject) => {
        server.once('error', (error) => {
          route.server = null;
          reject(
            new ProxyListenError(`proxy ${this.name} cannot listen: ${error.message}`, { cause: error }),
          );
        });
        server.listen(route.listenPort, this.#listenHost, () => resolve());
      });
      const address = server.address();
      // Kept across disable and enable: clients hold the port.
      if (address && typeof address === 'object') route.listenPort = address.port;
    }
  }

  async #stopListening(): Promise<void> {
    const servers = this.#routes.flatMap((route) => {
      const { server } = route;
      route.server = null;
      return server ? [server] : [];
    });
    for (const connection of [...this.#connections]) connection.close();
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }
}
