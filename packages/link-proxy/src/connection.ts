import { connect, type Socket } from 'node:net';
import type { Clock, Random } from '@vaultover/foundation';
import { closeTogether, resetSocket } from './close-together.ts';
import { ConnectionToxics } from './connection-toxics.ts';
import type { DirectionCounters } from './link.ts';
import type { Direction } from './toxic.ts';
import type { ToxicSet } from './toxic-set.ts';

/** What a connection needs from its proxy. */
export interface ConnectionOptions {
  upstreamHost: string;
  upstreamPort: number;
  counters: Record<Direction, DirectionCounters>;
  clock: Clock;
  random: Random;
  toxics: ToxicSet;
  onClose: () => void;
}

/**
 * One proxied TCP connection: the client's socket, a socket to the upstream, and the proxy's toxics
 * between them. A clean end of either side reaches the other behind the bytes the toxics hold; a reset
 * or an error closes both at once.
 */
export class Connection {
  readonly #client: Socket;
  readonly #upstream: Socket;
  readonly #toxics: ConnectionToxics;
  readonly #finish: () => void;
  #closed = false;

  constructor(client: Socket, options: ConnectionOptions) {
    this.#client = client;
    this.#upstream = connect({ host: options.upstreamHost, port: options.upstreamPort });
    // Nagle would add its own latency on top of the toxics'.
    client.setNoDelay(true);
    this.#upstream.setNoDelay(true);
    this.#toxics = new ConnectionToxics({ ...options, reset: () => this.reset() });
    this.#toxics.wire(client, this.#upstream);
    const detach = options.toxics.attach(this.#toxics);
    closeTogether(client, this.#upstream);
    this.#finish = () => {
      if (this.#closed) return;
      this.#closed = true;
      this.#toxics.unwire();
      detach();
      options.onClose();
    };
    // Over when a side closes abruptly (closeTogether takes the other with it), or when both have closed
    // cleanly: a side that ended cleanly waits for its end to cross the toxics.
    let open = 2;
    for (const side of [client, this.#upstream]) {
      side.once('close', () => {
        open -= 1;
        if (open === 0 || !side.readableEnded) this.#finish();
      });
    }
  }

  /** Closes both sockets with a TCP RST, so the client sees ECONNRESET. */
  reset(): void {
    if (this.#closed) return;
    this.#finish();
    resetSocket(this.#client);
    resetSocket(this.#upstream);
  }

  /** Closes both sockets at once (held bytes are dropped). Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#finish();
    this.#client.destroy();
    this.#upstream.destroy();
  }
}
