import { type AddressInfo, createServer, type Socket } from 'node:net';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { listen } from '../net/listen.ts';
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
  /** `https://localhost:<port>`: the default vault; other vaults at `https://<vault>.localhost:<port>`. */
  readonly url: string;
  readonly port: number;
  /** The CA clients must trust (the deployment's, shared with the region nodes). */
  readonly caFile: string;
  /** Where the gateway's metrics are (the one passed in options, or its own). */
  readonly registry: Registry;
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
  const local = new LocalReplies(tls, source);
  const sockets = new Set<Socket>();
  const router = connectionRouter({
    source,
    held,
    routed,
    local,
    metrics,
    timeoutMs: options.upstreamTimeoutMs ?? GATEWAY_DEFAULTS.upstreamTimeoutMs,
    logger,
  });
  // Paused: no byte is read before the connection's route says who reads it.
  const server = createServer({ pauseOnConnect: true, noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    router(socket);
  });
  const stop = () => {
    held.close();
    routed.close();
  };
  const host = options.host ?? GATEWAY_DEFAULTS.host;
  try {
    await listen(server, options.port ?? GATEWAY_DEFAULTS.port, host);
  } catch (error) {
    stop();
    throw new GatewayListenError(`the gateway could not listen on ${host}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const port = (server.address() as AddressInfo).port;
  const url = `https://localhost:${port}`;
  logger.info({ url }, 'global endpoint ready');
  return {
    url,
    port,
    caFile: tls.material.caFile,
    registry,
    async close() {
      stop();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      local.close();
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
