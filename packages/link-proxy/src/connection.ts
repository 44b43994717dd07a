import { connect, type Socket } from 'node:net';
import type { Clock, Random } from '@vaultover/foundation';
import { type DirectionCounters, Link } from './link.ts';
import type { Direction, ToxicConfig, ToxicDefinition } from './toxic.ts';

/** What a connection needs from its proxy. */
export interface ConnectionOptions {
  upstreamHost: string;
  upstreamPort: number;
  counters: Record<Direction, DirectionCounters>;
  clock: Clock;
  random: Random;
  onClose: () => void;
}

/**
 * One proxied TCP connection: the client's socket, a socket to the upstream, and a Link each way.
 * Half-close is not modelled: when either side ends or fails, both sockets are closed.
 */
export class Connection {
  readonly #client: Socket;
  readonly #upstream: Socket;
  readonly #links: Record<Direction, Link>;
  readonly #options: ConnectionOptions;
  #closed = false;

  constructor(client: Socket, options: ConnectionOptions) {
    this.#client = client;
    this.#options = options;
    this.#upstream = connect({ host: options.upstreamHost, port: options.upstreamPort });
    // Nagle would add its own latency on top of the toxics'.
    client.setNoDelay(true);
    this.#upstream.setNoDelay(true);
    this.#links = {
      upstream: new Link(client, this.#upstream, options.counters.upstream),
      downstream: new Link(this.#upstream, client, options.counters.downstream),
    };
    for (const socket of [client, this.#upstream]) {
      socket.on('error', () => this.close());
      socket.on('end', () => this.close());
      socket.on('close', () => this.close());
    }
  }

  /** Attaches (or replaces) a toxic's stages; `toxicity` is rolled here, once per connection. */
  applyToxic(config: ToxicConfig, definition: ToxicDefinition, attributes: object): void {
    this.removeToxic(config.name);
    if (this.#closed || this.#options.random() >= config.toxicity) return;
    const directions: Direction[] = config.stream === 'both' ? ['upstream', 'downstream'] : [config.stream];
    for (const direction of directions) {
      const stage = definition.createStage(attributes, {
        direction,
        clock: this.#options.clock,
        random: this.#options.random,
        resetConnection: () => this.reset(),
      });
      this.#links[direction].setStage(config.name, stage);
    }
  }

  /** Detaches a toxic; data it held goes on, in order. */
  removeToxic(name: string): void {
    this.#links.upstream.removeStage(name);
    this.#links.downstream.removeStage(name);
  }

  /** Closes both sockets with a TCP RST, so the client sees ECONNRESET. */
  reset(): void {
    if (this.#closed) return;
    if (!this.#client.destroyed) this.#client.resetAndDestroy();
    if (!this.#upstream.destroyed) this.#upstream.resetAndDestroy();
    this.close();
  }

  /** Closes both sockets (FIN, or destroy if already failing). Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#links.upstream.dispose();
    this.#links.downstream.dispose();
    this.#client.destroy();
    this.#upstream.destroy();
    this.#options.onClose();
  }
}
