import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server, Socket } from 'node:net';
import { errorEnvelope } from './error-envelope.ts';

/** What becomes of a new connection: served, answered with a refusal, or closed at once. */
export type Admission = 'serve' | 'refuse' | 'drop';

/**
 * Caps the connections a listener holds. Up to `limit` are served; the next `margin` are each answered
 * with one refusal (a 503 the client can read and retry on, rather than a reset it would take for a bug);
 * past that, a connection is closed as soon as it is accepted, since even a refusal costs a handshake.
 * Every connection counts until it closes, so the margin also bounds the refusals in progress.
 */
export class ConnectionCap {
  readonly limit: number;
  readonly margin: number;
  #open = 0;
  readonly #refused = new WeakSet<Socket>();

  constructor(limit: number, margin = Math.max(16, Math.ceil(limit / 8))) {
    this.limit = limit;
    this.margin = margin;
  }

  /** Connections counted now. */
  get open(): number {
    return this.#open;
  }

  /** Counts `socket` until it closes, and says what to do with it; a dropped socket is destroyed here. */
  admit(socket: Socket): Admission {
    if (this.#open >= this.limit + this.margin) {
      socket.destroy();
      return 'drop';
    }
    const admission = this.#open >= this.limit ? 'refuse' : 'serve';
    this.#open++;
    socket.once('close', () => this.#open--);
    if (admission === 'refuse') this.#refused.add(socket);
    return admission;
  }

  /**
   * Whether the connection `socket` belongs to was admitted to be refused. A request's socket is the TLS
   * socket over the TCP one counted here (`_parent`, internal to Node: TLSSocket has no public accessor).
   */
  isRefused(socket: Socket): boolean {
    if (this.#refused.has(socket)) return true;
    const parent = (socket as Socket & { _parent?: Socket | null })._parent;
    return parent ? this.#refused.has(parent) : false;
  }
}

/** Admits every connection of `server` through `cap`, before any other listener sees it. */
export function capConnections(server: Server, cap: ConnectionCap): void {
  server.prependListener('connection', (socket: Socket) => void cap.admit(socket));
}

/**
 * Wraps a request listener: a request on a connection admitted to be refused gets a 503 in the service's
 * error format, `Retry-After: 1` and `Connection: close`; the others go to `listener`.
 */
export function refuseOverCap(
  cap: ConnectionCap,
  describe: string,
  listener: (req: IncomingMessage, res: ServerResponse) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (!cap.isRefused(req.socket)) return listener(req, res);
    const body = errorEnvelope(
      'ServiceUnavailable',
      `${describe} has ${cap.limit} connections open, its limit; this one is refused. Retry shortly.`,
    );
    res
      .writeHead(503, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        'retry-after': '1',
        connection: 'close',
      })
      .end(body);
  };
}
