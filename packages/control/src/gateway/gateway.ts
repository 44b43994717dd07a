import { readFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { closeNow, listen } from '../net/listen.ts';
import { GatewayListenError } from './errors.ts';
import { GatewayMetrics } from './gateway-metrics.ts';
import { GATEWAY_DEFAULTS, type GatewayOptions } from './gateway-options.ts';
import { loadGatewayTls } from './gateway-tls.ts';
import { HeldRequests } from './held-requests.ts';
import { requestHandler } from './request-handler.ts';
import { UpstreamAgents } from './upstream-agents.ts';

/** A running global endpoint. */
export interface Gateway {
  /** `https://localhost:<port>`: the default vault; other vaults at `https://<vault>.localhost:<port>`. */
  readonly url: string;
  readonly port: number;
  /** The CA clients must trust (the deployment's, shared with the region nodes). */
  readonly caFile: string;
  /** Where the gateway's metrics are (the one passed in options, or its own). */
  readonly registry: Registry;
  /** Stops listening, drops every connection (held requests included) and the pooled region connections. */
  close(): Promise<void>;
}

/**
 * Starts the global endpoint: an HTTPS server that sends every request, whatever its path, where the route
 * source says (see docs/gateway.md). The gateway serves no path of its own: `/health` and `/metrics` of
 * the control process live on the control API.
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const hostnames = options.hostnames ?? GATEWAY_DEFAULTS.hostnames;
  const tls = await loadGatewayTls(options.dataDir, hostnames);
  if (!tls.perVault) logger.warn('the CA key is missing: vault host names get the default certificate');
  const caFile = options.caFile ?? tls.material.caFile;
  const agents = new UpstreamAgents(await readFile(caFile, 'utf8'));
  const registry = options.registry ?? new Registry();
  const held = new HeldRequests(options.routeSource);
  const forwarding = {
    agents,
    timeoutMs: options.upstreamTimeoutMs ?? GATEWAY_DEFAULTS.upstreamTimeoutMs,
    fallbackHost: 'localhost',
    logger,
  };
  const server = createServer(
    { key: tls.material.keyPem, cert: tls.material.certPem, SNICallback: tls.sniCallback },
    requestHandler({ source: options.routeSource, held, metrics: new GatewayMetrics(registry), forwarding }),
  );
  // Longer than the SDKs' idle keep-alive, so the client, not the gateway, closes idle connections.
  server.keepAliveTimeout = 65_000;
  const host = options.host ?? GATEWAY_DEFAULTS.host;
  try {
    await listen(server, options.port ?? GATEWAY_DEFAULTS.port, host);
  } catch (error) {
    held.close();
    agents.destroy();
    throw new GatewayListenError(`the gateway could not listen on ${host}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const port = (server.address() as AddressInfo).port;
  forwarding.fallbackHost = `localhost:${port}`;
  const url = `https://localhost:${port}`;
  logger.info({ url }, 'global endpoint ready');
  return {
    url,
    port,
    caFile: tls.material.caFile,
    registry,
    async close() {
      held.close();
      await closeNow(server);
      agents.destroy();
    },
  };
}
