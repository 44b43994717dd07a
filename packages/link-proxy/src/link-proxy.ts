import { createServer, type Server, type Socket } from 'node:net';
import type { Clock } from '@vaultover/foundation';
import { type Random, seededRandom } from '@vaultover/foundation';
import { Connection } from './connection.ts';
import { ProxyListenError, ToxicExistsError, ToxicNotFoundError } from './errors.ts';
import { parseHostPort } from './host-port.ts';
import {
  LINK_PROXY_DEFAULTS as DEFAULTS,
  type LinkProxyOptions,
  type ProxyView,
} from './link-proxy-options.ts';
import { emptyCounters, type LinkProxyMetrics } from './metrics.ts';
import type { ToxicConfig } from './toxic.ts';
import { parseToxicConfig, type ToxicInput } from './toxic-config.ts';
import { toxicDefinition } from './toxic-registry.ts';

/** A TCP proxy with toxiproxy-style toxics that apply at once to open connections. */
export class LinkProxy {
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
  readonly #toxics = new Map<string, { config: ToxicConfig; attributes: object }>();
  readonly #counters = emptyCounters();
  #connectionsTotal = 0;

  constructor(options: LinkProxyOptions) {
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

  /** Adds a toxic; it applies at once to every open connection (subject to toxicity). */
  addToxic(input: ToxicInput): ToxicConfig {
    const config = parseToxicConfig(input);
    if (this.#toxics.has(config.name)) throw new ToxicExistsError(config.name);
    return this.#install(config);
  }

  /** Updates a toxic's stream, toxicity or attributes; open connections switch over at once. */
  updateToxic(name: string, input: ToxicInput): ToxicConfig {
    const existing = this.toxic(name);
    return this.#install(parseToxicConfig({ ...input, name }, existing));
  }

  /** Removes a toxic; data it held goes on in order (swallowed data stays lost). */
  removeToxic(name: string): void {
    this.toxic(name);
    this.#toxics.delete(name);
    for (const connection of this.#connections) connection.removeToxic(name);
  }

  /** Removes every toxic. */
  removeAllToxics(): void {
    for (const name of [...this.#toxics.keys()]) this.removeToxic(name);
  }

  /** The toxic of that name, or ToxicNotFoundError. */
  toxic(name: string): ToxicConfig {
    const entry = this.#toxics.get(name);
    if (!entry) throw new ToxicNotFoundError(name);
    return structuredClone(entry.config);
  }

  toxics(): ToxicConfig[] {
    return [...this.#toxics.values()].map((entry) => structuredClone(entry.config));
  }

  metrics(): LinkProxyMetrics {
    return {
      bytes: structuredClone(this.#counters),
      connectionsActive: this.#connections.size,
      connectionsTotal: this.#connectionsTotal,
      toxicsActive: this.#toxics.size,
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

  #install(config: ToxicConfig): ToxicConfig {
    const definition = toxicDefinition(config.type);
    const attributes = definition.parseAttributes(config.attributes);
    this.#toxics.set(config.name, { config, attributes });
    for (const connection of this.#connections) connection.applyToxic(config, definition, attributes);
    return structuredClone(config);
  }

  #accept(client: Socket): void {
    this.#connectionsTotal += 1;
    const connection: Connection = new Connection(client, {
      upstreamHost: this.#upstreamHost,
      upstreamPort: this.#upstreamPort,
      counters: this.#counters,
      clock: this.#clock,
      random: this.#random,
      onClose: () => this.#connections.delete(connection),
    });
    this.#connections.add(connection);
    for (const { config, attributes } of this.#toxics.values()) {
      connection.applyToxic(config, toxicDefinition(config.type), attributes);
    }
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
