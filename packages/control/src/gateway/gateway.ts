import { type AddressInfo, createServer, type Socket } from 'node:net';
import { seededRandom } from '@vaultover/foundation';
import { ConnectionCap, DEFAULT_SERVER_LIMITS } from '@vaultover/foundation/http';
import { Registry } from '@vaultover/foundation/metrics';
import { serviceOrigin } from '@vaultover/tls';
import { pino } from 'pino';
import { listen } from '../net/listen.ts';
import { ClientLink } from './client-link.ts';
import { connectionRouter } from './connection-router.ts';
import { GatewayListenError } from './errors.ts';
import { GatewayMetrics } from './gateway-metrics.ts';
import { GATEWAY_DEFAULTS, type GatewayOptions } from './gateway-options.ts';
import { loadGatewayTls } from './gateway-tls.ts';
import { HeldConnections } from './held-connections.ts';
import { LocalReplies } from './local-replies.ts';
import { RoutedConnections } from './routed-connections.ts';

/** A running global endpoint. */
export interface Gateway {
  /**
   * `https://localhost:<port>` (or `https://<host>:<port>` off loopback): the default vault; other vaults at
   * `https://<vault>.localhost:<port>`.
   */
  readonly url: string;
  readonly port: number;
  /** The CA clients must trust (the deployment's, shared with the region nodes). */
  readonly caFile: string;
  /** Where the gateway's metrics are (the one passed in options, or its own). */
  readonly registry: Registry;
  /** The clients' link to the endpoint, with toxics like a replication link's proxy (docs/chaos.md). */
  readonly link: ClientLink;
  /** Stops listening and drops every connection (relayed, held, answered). */
  close(): Promise<void>;
}

/**
 * Starts the global endpoint: a TCP router. Each client connection is routed once, where the route source
 * says (see docs/gateway.md): relayed byte for byte to the serving region (whose TLS the client then
 * speaks, as if direct), or answered by the gateway itself (TLS terminated here) in a failover window or
 * when no region serves. The gateway serves no path of its own: `/health` and `/metrics` of the control
 * process live on the control API.
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const hostnames = options.hostnames ?? GATEWAY_DEFAULTS.hostnames;
  const tls = await loadGatewayTls(options.dataDir, hostnames);
  if (!tls.perVault) logger.warn('the CA key is missing: vault host names get the default certificate');
  const registry = options.registry ?? new Registry();
  const metrics = new GatewayMetrics(registry);
  const source = options.routeSource;
  const held = new HeldConnections(source);
  const routed = new RoutedConnections(source, metrics);
  const limits = { ...DEFAULT_SERVER_LIMITS, ...options.limits };
  const local = new LocalReplies(tls, source, limits.handshakeTimeoutMs + limits.headersTimeoutMs);
  const cap = new ConnectionCap(limits.maxConnections);
  const sockets = new Set<Socket>();
  const host = options.host ?? GATEWAY_DEFAULTS.host;
  let port = options.port ?? GATEWAY_DEFAULTS.port;
  // Paused: no byte is read before the connection's route says who reads it.
  const server = createServer({ pauseOnConnect: true, noDelay: true }, (socket) => {
    const admission = cap.admit(socket);
    if (admission === 'drop') return;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    router(socket, admission);
  });
  const dropConnections = () => {
    local.close();
    for (const socket of sockets) socket.destroy();
  };
  const link = new ClientLink({
    routeSource: source,
    random: seededRandom(options.seed ?? GATEWAY_DEFAULTS.seed),
    listen: () => `${host}:${port}`,
    async setListening(listening) {
      if (listening) return listen(server, port, host);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      dropConnections();
      await closed;
    },
  });
  const router = connectionRouter({
    source,
    held,
    routed,
    local,
    link,
    metrics,
    timeoutMs: options.upstreamTimeoutMs ?? GATEWAY_DEFAULTS.upstreamTimeoutMs,
    handshakeTimeoutMs: limits.handshakeTimeoutMs,
    maxConnections: limits.maxConnections,
    logger,
  });
  const stop = () => {
    held.close();
    routed.close();
  };
  try {
    await listen(server, port, host);
  } catch (error) {
    stop();
    throw new GatewayListenError(`the gateway could not listen on ${host}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  port = (server.address() as AddressInfo).port;
  const url = serviceOrigin(host, port);
  logger.info({ url }, 'global endpoint ready');
  return {
    url,
    port,
    caFile: tls.material.caFile,
    registry,
    link,
    async close() {
      stop();
      // A gateway whose link was disabled is not listening: close() calls back at once, with an error.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      dropConnections();
      await closed;
    },
  };
}
