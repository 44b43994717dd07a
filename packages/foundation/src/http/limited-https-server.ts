import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server, type ServerOptions } from 'node:https';
import { answerClientErrors } from './client-errors.ts';
import { ConnectionCap, refuseOverCap } from './connection-cap.ts';
import { applyServerLimits, type ServerLimits, serverOptions } from './server-limits.ts';

export interface LimitedHttpsServer {
  readonly server: Server;
  /** Not yet attached: `capConnections(server, cap)` once every other 'connection' listener is in place. */
  readonly cap: ConnectionCap;
}

/**
 * An HTTPS server under `limits` (time and connection limits), whose parser errors are answered in the
 * service's error format with `errorHeaders`, and whose connections past the cap get a 503 naming `who`
 * ("Region westeurope", "The control API").
 */
export function limitedHttpsServer(
  tls: ServerOptions,
  listener: (req: IncomingMessage, res: ServerResponse) => void,
  settings: { limits: ServerLimits; who: string; errorHeaders?: () => Record<string, string> },
): LimitedHttpsServer {
  const cap = new ConnectionCap(settings.limits.maxConnections);
  const server = createServer(
    { ...tls, ...serverOptions(settings.limits) },
    refuseOverCap(cap, settings.who, listener),
  );
  applyServerLimits(server, settings.limits);
  answerClientErrors(server, settings.errorHeaders ? { headers: settings.errorHeaders } : {});
  return { server, cap };
}
