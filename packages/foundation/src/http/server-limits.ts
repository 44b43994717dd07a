import type { Server as HttpServer } from 'node:http';

/**
 * How long a client may take, and how much it may hold, on one of Vaultover's HTTPS listeners (a region
 * node, the control API, the global endpoint's own answers). Every figure is a bound on what a silent,
 * slow or hostile client can keep open; docs/reliability.md says what a client gets when it hits one.
 */
export interface ServerLimits {
  /** The TLS handshake must end this soon after the connection opens. */
  readonly handshakeTimeoutMs: number;
  /** Each request's line and headers must have arrived this soon after its first byte. */
  readonly headersTimeoutMs: number;
  /** Each whole request, body included, must have arrived this soon after its first byte. */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this (announced in `Keep-Alive: timeout=`). */
  readonly keepAliveTimeoutMs: number;
  /** Connections served at once; those past it get a refusal (503), and past a margin, nothing. */
  readonly maxConnections: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  handshakeTimeoutMs: 10_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 65_000,
  maxConnections: 1024,
};

/** The options an `https.createServer` call takes from `limits` (those a server cannot change later). */
export function serverOptions(limits: ServerLimits): {
  handshakeTimeout: number;
  connectionsCheckingInterval: number;
} {
  return {
    handshakeTimeout: limits.handshakeTimeoutMs,
    // Node checks header and request time only this often (30 s by default): a bound of 10 s needs a
    // check well within it. The check walks the open connections, a cost of nothing at these counts.
    connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
  };
}

/** Applies the time limits a server can take after it is made. */
export function applyServerLimits(server: HttpServer, limits: ServerLimits): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
}
