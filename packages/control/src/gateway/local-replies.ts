import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import { sendGatewayError } from './error-reply.ts';
import type { GatewayTls } from './gateway-tls.ts';
import type { RouteDecision, RouteSource } from './route-source.ts';
import { sendUnavailable, sendWindowError } from './window-replies.ts';

/** Idle time after which a connection handed over for a local answer is dropped. */
const IDLE_TIMEOUT_MS = 30_000;

export type ForwardTarget = Extract<RouteDecision, { kind: 'forward' }>;

/** What the gateway answers itself, on a connection it terminates. */
export type LocalReply =
  | { readonly kind: 'window'; readonly decision: Extract<RouteDecision, { kind: 'fail' }> }
  | { readonly kind: 'unavailable'; readonly decision: Extract<RouteDecision, { kind: 'unavailable' }> }
  | { readonly kind: 'upstream-error'; readonly target: ForwardTarget; readonly reason: string };

/**
 * The gateway's own HTTPS server, which never listens: connections the gateway does not relay (a failover
 * window, no serving region, a region that does not answer) are handed to it to terminate TLS with the
 * deployment's certificates and get the service-shaped 503. Each such connection gets one answer and is
 * closed (`Connection: close`), so that the client's next request is routed anew.
 */
export class LocalReplies {
  readonly #server: Server;
  readonly #source: RouteSource;
  // Keyed by the TCP socket handed over; the request sees the TLS socket that wraps it.
  readonly #replies = new WeakMap<Socket, LocalReply>();
  // A server that never listens does not track its connections for closeAllConnections(): done here.
  readonly #open = new Set<Socket>();

  constructor(tls: GatewayTls, source: RouteSource) {
    this.#source = source;
    this.#server = createServer(
      { key: tls.material.keyPem, cert: tls.material.certPem, SNICallback: tls.sniCallback },
      (req, res) => this.#answer(req, res),
    );
    // A server that never listens does not run the checks behind headersTimeout and requestTimeout:
    // a client that sends nothing on a connection it is to be answered on is dropped after this.
    this.#server.setTimeout(IDLE_TIMEOUT_MS);
    this.#server.on('secureConnection', (socket: Socket) => {
      this.#open.add(socket);
      socket.once('close', () => this.#open.delete(socket));
    });
  }

  /** Terminates TLS on `socket` (unread: paused, or with what was read ahead put back) and answers `reply`. */
  answer(socket: Socket, reply: LocalReply): void {
    this.#replies.set(socket, reply);
    this.#server.emit('connection', socket);
  }

  /** Drops the connections being answered. */
  close(): void {
    for (const socket of this.#open) socket.destroy();
    this.#open.clear();
  }

  #answer(req: IncomingMessage, res: ServerResponse): void {
    // Nothing reads the request body: the connection closes after the answer.
    req.resume();
    const parent = (req.socket as Socket & { _parent?: Socket | null })._parent;
    const reply = this.#replies.get(parent ?? req.socket);
    if (!reply) return void res.destroy(); // not handed over by answer(): cannot happen
    switch (reply.kind) {
      case 'window':
        sendWindowError(res, reply.decision, this.#source.clock.now());
        return;
      case 'unavailable':
        sendUnavailable(res, reply.decision);
        return;
      case 'upstream-error':
        // 503 rather than 502/504: to the client the vault is unavailable (as in a failover window, which
        // SDKs retry), and no region gave an invalid answer.
        sendGatewayError(
          res,
          503,
          'ServiceUnavailable',
          `The region ${reply.target.region} that serves the vault did not answer the global endpoint ` +
            `(${reply.reason}); retry later: if the region stays down the vault fails over.`,
          { region: reply.target.region, mode: reply.target.mode },
        );
    }
  }
}
