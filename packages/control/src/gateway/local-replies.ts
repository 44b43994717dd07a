import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { type Duplex, duplexPair } from 'node:stream';
import { createSecureContext, type SecureContext, TLSSocket } from 'node:tls';
import { answerClientErrors } from '@vaultover/foundation/http';
import { type ConnectionToxics, closeTogether } from '@vaultover/link-proxy';
import { sendGatewayError } from './error-reply.ts';
import type { GatewayTls } from './gateway-tls.ts';
import type { RouteDecision, RouteSource } from './route-source.ts';
import { sendUnavailable, sendWindowError } from './window-replies.ts';

export type ForwardTarget = Extract<RouteDecision, { kind: 'forward' }>;

/** What the gateway answers itself, on a connection it terminates. */
export type LocalReply =
  | { readonly kind: 'window'; readonly decision: Extract<RouteDecision, { kind: 'fail' }> }
  | { readonly kind: 'unavailable'; readonly decision: Extract<RouteDecision, { kind: 'unavailable' }> }
  | { readonly kind: 'upstream-error'; readonly target: ForwardTarget; readonly reason: string }
  /** Past the listener's connection limit (`maxConnections`). */
  | { readonly kind: 'refused'; readonly limit: number };

/**
 * The gateway's own HTTPS server, which never listens: connections the gateway does not relay (a failover
 * window, no serving region, a region that does not answer) are handed to it to terminate TLS with the
 * deployment's certificates and get the service-shaped 503. Each such connection gets one answer and is
 * closed (`Connection: close`), so that the client's next request is routed anew. TLS is terminated here
 * rather than by an `https` server so that each answer is found by the TLS socket the request arrives on.
 */
export class LocalReplies {
  readonly #server: Server;
  readonly #source: RouteSource;
  readonly #secureContext: SecureContext;
  readonly #sniCallback: GatewayTls['sniCallback'];
  readonly #replies = new WeakMap<TLSSocket, LocalReply>();
  readonly #deadlines = new WeakMap<TLSSocket, NodeJS.Timeout>();
  // A server that never listens does not track its connections for closeAllConnections(): done here.
  readonly #open = new Set<TLSSocket>();
  readonly #deadlineMs: number;

  /**
   * `deadlineMs`: the TLS handshake and the request's headers must be done this soon after the connection
   * is handed over, or it is dropped (a server that never listens does not run the checks behind its own
   * headersTimeout and requestTimeout).
   */
  constructor(tls: GatewayTls, source: RouteSource, deadlineMs: number) {
    this.#source = source;
    this.#deadlineMs = deadlineMs;
    this.#secureContext = createSecureContext({ key: tls.material.keyPem, cert: tls.material.certPem });
    this.#sniCallback = tls.sniCallback;
    this.#server = createServer((req, res) => this.#answer(req, res));
    // An unparsable request is answered in the service's format, and its connection closed cleanly; a
    // failed handshake (reported the same way) is dropped: nothing can be answered on it.
    answerClientErrors(this.#server);
  }

  /**
   * Terminates TLS on `socket` (unread: paused, or with what was read ahead put back) and answers `reply`,
   * through the client link's toxics when any acts on the connection.
   */
  answer(socket: Socket, toxics: ConnectionToxics, reply: LocalReply): void {
    const tlsSocket = new TLSSocket(carrier(socket, toxics), {
      isServer: true,
      secureContext: this.#secureContext,
      SNICallback: this.#sniCallback,
    });
    this.#replies.set(tlsSocket, reply);
    this.#open.add(tlsSocket);
    const deadline = setTimeout(() => tlsSocket.destroy(), this.#deadlineMs);
    tlsSocket.once('close', () => {
      clearTimeout(deadline);
      this.#open.delete(tlsSocket);
    });
    this.#deadlines.set(tlsSocket, deadline);
    this.#server.emit('connection', tlsSocket);
  }

  /** Drops the connections being answered. */
  close(): void {
    for (const socket of this.#open) socket.destroy();
    this.#open.clear();
  }

  #answer(req: IncomingMessage, res: ServerResponse): void {
    // Nothing reads the request body: the connection closes after the answer.
    req.resume();
    const socket = req.socket as TLSSocket;
    const reply = this.#replies.get(socket);
    if (!reply) return void res.destroy(); // not handed over by answer(): cannot happen
    clearTimeout(this.#deadlines.get(socket));
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
        return;
      case 'refused':
        sendGatewayError(
          res,
          503,
          'ServiceUnavailable',
          `The global endpoint has ${reply.limit} connections open, its limit; this one is refused. ` +
            'Retry shortly.',
          { mode: 'unavailable', retryAfterSeconds: 1 },
        );
    }
  }
}

/**
 * What TLS reads from and writes to: the client's socket itself, or, when a client-link toxic acts on the
 * connection, one end of an in-memory pair whose other end the toxics connect to the client.
 */
function carrier(socket: Socket, toxics: ConnectionToxics): Duplex {
  if (!toxics.active) return socket;
  const [tlsSide, linkSide] = duplexPair();
  toxics.wire(socket, linkSide);
  closeTogether(socket, linkSide);
  // The pair's ends do not close each other. TLS that finished writing has ended its end cleanly: the
  // link's end reads on to that end (which then crosses the toxics); any other close is passed on at once.
  tlsSide.once('close', () => {
    if (!tlsSide.writableFinished) linkSide.destroy();
  });
  linkSide.once('close', () => tlsSide.destroy());
  return tlsSide;
}
