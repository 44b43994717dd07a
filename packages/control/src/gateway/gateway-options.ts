import type { ServerLimits } from '@vaultover/foundation/http';
import type { Registry } from '@vaultover/foundation/metrics';
import type { Logger } from 'pino';
import type { RouteSource } from './route-source.ts';

/** Options of {@link startGateway}. Only `dataDir` and `routeSource` are required. */
export interface GatewayOptions {
  /** Where to route each connection. */
  routeSource: RouteSource;
  /**
   * The deployment's data directory, shared with the region nodes: its `tls/` holds the CA whose
   * certificates clients already trust, which the gateway reuses (and extends) rather than minting its own.
   */
  dataDir: string;
  /** Address to bind. Default `127.0.0.1`. */
  host?: string;
  /** Port to listen on. Default 0: a free port. */
  port?: number;
  /** Extra host names (DNS or IP) for the certificate and for `<vault>.<host>` names, as the regions take. */
  hostnames?: readonly string[];
  /** Metrics go here (the control process exposes it on `/metrics`). Default: a registry of its own. */
  registry?: Registry;
  /** Default: silent. */
  logger?: Logger;
  /**
   * A region that does not accept a connection within this long, or then sends no byte for this long,
   * is answered for with 503. Default 30 000.
   */
  upstreamTimeoutMs?: number;
  /** Seed of the client link's random source (toxicity, jitter). Default 1, as a link proxy's. */
  seed?: number;
  /**
   * Over DEFAULT_SERVER_LIMITS: `handshakeTimeoutMs` (a client's ClientHello must arrive this soon, or it
   * is dropped before any region is connected; the gateway's own answers get it plus `headersTimeoutMs`
   * for their handshake and request) and `maxConnections` (past it, connections are answered 503).
   */
  limits?: Partial<ServerLimits>;
}

/** Defaults of the optional GatewayOptions, defined once. */
export const GATEWAY_DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  hostnames: [] as readonly string[],
  upstreamTimeoutMs: 30_000,
  seed: 1,
} as const;
