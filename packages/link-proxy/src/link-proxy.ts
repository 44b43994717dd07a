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

/** A TCP proxy with toxiproxy-style toxics that apply at once to open connections. */
export class LinkProxy extends ToxicLink {
  readonly name: string;
  readonly upstream: string;
  readonly #upstreamHost: string;
  readonly #upstreamPort: number;
  readonly #listenHost: string;
  #listenPort: number;
  #enabled: boolean;
  #server: Server | null = null;
  readonly #clock: Clock;
  readonly #random: Random;
  readonly #connections = new Set<Connection>();
  #connectionsTotal = 0;

  constructor(options: LinkProxyOptions) {
    super();
    const { name, upstream } = options;
    this.name = name;
    this.upstream = upstream;
    [this.#upstreamHost, this.#upstreamPort] = parseHostPort(upstream);
    this.#listenHost = options.listenHost ?? DEFAULTS.listenHost;
    this.#listenPort = options.listenPort ?? DEFAULTS.listenPort;
    this.#enabled = options.enabled ?? DEFAULTS.enabled;
    this.#clock = options.clock ?? DEFAULTS.clock;
    this.#random = options.random ?? seededRandom(options.seed ?? DEFAULTS.seed);
  }

  /** Starts listening if enabled. Resolves once the port is bound. */
  async start(): Promise<void> {
    if (this.#enabled) await this.#listen();
  }

  /** The port clients connect to (known after start). */
  get listenPort(): number {
    return this.#listenPort;
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
      listen: `${this.#listenHost}:${this.#listenPort}`,
      upstream: this.upstream,
      enabled: this.#enabled,
      toxics: this.toxics(),
    };
  }

  /** Stops listening and closes every connection. Idempotent; the proxy can be started again. */
  async close(): Promise<void> {
    await this.#stopListening();
  }

  #accept(client: Socket): void {
    this.#connectionsTotal += 1;
    const connection: Connection = new Connection(client, {
      upstreamHost: this.#upstreamHost,
      upstreamPort: this.#upstreamPort,
      counters: this.counters,
      clock: this.#clock,
      random: this.#random,
      toxics: this.toxicSet,
      onClose: () => this.#connections.delete(connection),
    });
    this.#connections.add(connection);
  }

  async #listen(): Promise<void> {
    if (this.#server) return;
    const server = createServer((client) => this.#accept(client));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) => {
        this.#server = null;
        reject(new ProxyListenError(`proxy ${this.name} cannot listen: ${error.message}`, { cause: error }));
      });
      server.listen(this.#listenPort, this.#listenHost, () => resolve());
    });
    const address = server.address();
    if (address && typeof address === 'object') this.#listenPort = address.port;
  }

  async #stopListening(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    for (const connection of [...this.#connections]) connection.close();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
