import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import { request } from 'node:https';
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import { sendGatewayError } from './error-reply.ts';
import { UpstreamError } from './errors.ts';
import type { GatewayOutcome } from './gateway-metrics.ts';
import { endToEndHeaders } from './hop-headers.ts';
import type { RouteDecision } from './route-source.ts';
import type { UpstreamAgents } from './upstream-agents.ts';

/** The epoch a request was routed under, for the region's fencing check (a client's own value is dropped). */
export const EPOCH_HEADER = 'x-vaultover-epoch';
export const MODE_HEADER = 'x-vaultover-mode';
export const REGION_HEADER = 'x-ms-keyvault-region';

export type ForwardTarget = Extract<RouteDecision, { kind: 'forward' }>;

export interface ForwarderOptions {
  agents: UpstreamAgents;
  /** Idle time (no byte either way) after which a region is given up on. */
  timeoutMs: number;
  /** Host to send when a client sent none (HTTP/1.0): the gateway's own. */
  fallbackHost: string;
  logger: Logger;
}

/**
 * Proxies one request to a region, streaming both bodies with backpressure (pipe), keeping the client's
 * Host so that the ids and next links the region builds point at the gateway. Resolves with the outcome
 * once the exchange is over; never rejects.
 */
export function forward(
  req: IncomingMessage,
  res: ServerResponse,
  target: ForwardTarget,
  options: ForwarderOptions,
): Promise<GatewayOutcome> {
  return new Promise((resolve) => {
    // Released from a hold just as the client left: nothing to answer.
    if (res.closed) return resolve('client-aborted');
    let settled = false;
    const settle = (outcome: GatewayOutcome) => {
      if (settled) return;
      settled = true;
      resolve(outcome);
    };
    const base = new URL(target.url);
    const host = req.headers.host ?? options.fallbackHost;
    const headers = endToEndHeaders(req.headers, [EPOCH_HEADER]);
    headers.host = host;
    headers[EPOCH_HEADER] = String(target.epoch);
    const bodiless = !hasBody(req);
    let upstream: ClientRequest | undefined;
    let retried = false;

    const send = () => {
      const current = request({
        protocol: 'https:',
        hostname: base.hostname.replace(/^\[|\]$/g, ''),
        port: base.port,
        method: req.method,
        path: joinPath(base.pathname, req.url ?? '/'),
        headers,
        agent: options.agents.for(base),
        servername: sniName(host),
        timeout: options.timeoutMs,
      });
      upstream = current;
      current.on('timeout', () =>
        current.destroy(
          new UpstreamError(target.region, `no answer within ${options.timeoutMs} ms`, {
            cause: Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }),
          }),
        ),
      );
      let responded = false;
      current.on('response', (upstreamRes) => {
        responded = true;
        relay(upstreamRes);
      });
      current.on('error', (error) => {
        if (responded) return; // the response relay handles failures after the headers
        // A pooled connection the region closed while idle: resend once when nothing was consumed.
        if (bodiless && !retried && current.reusedSocket && isReset(error)) {
          retried = true;
          send();
          return;
        }
        failUpstream(error);
      });
      if (bodiless) current.end();
      else req.pipe(current);
    };

    const relay = (upstreamRes: IncomingMessage) => {
      const responseHeaders = endToEndHeaders(upstreamRes.headers);
      responseHeaders[REGION_HEADER] = target.region;
      responseHeaders[MODE_HEADER] = target.mode;
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.statusMessage, responseHeaders);
      upstreamRes.pipe(res);
      upstreamRes.on('error', () => {
        // Headers are gone: the only honest signal left is a broken response.
        res.destroy();
        settle('upstream-error');
      });
      upstreamRes.on('aborted', () => {
        res.destroy();
        settle('upstream-error');
      });
    };

    const failUpstream = (error: Error) => {
      if (settled) return;
      const reason = errorCode(error);
      // Debug, not warn: while a region is down this is every request (counted in the metrics).
      options.logger.debug({ region: target.region, reason }, 'region did not answer the global endpoint');
      req.unpipe();
      sendGatewayError(
        res,
        503,
        'ServiceUnavailable',
        `The region ${target.region} that serves the vault did not answer the global endpoint (${reason}); ` +
          'retry later: if the region stays down the vault fails over.',
        { region: target.region, mode: target.mode },
      );
      settle('upstream-error');
    };

    res.on('finish', () => settle('forwarded'));
    res.on('close', () => {
      if (res.writableFinished) return;
      // The client went away (or the response was destroyed): stop the region's side too.
      upstream?.destroy();
      settle('client-aborted');
    });
    send();
  });
}

function hasBody(req: IncomingMessage): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = Number(req.headers['content-length'] ?? 0);
  return !(length === 0 || Number.isNaN(length));
}

/** SNI for the client's host name; none for an IP (RFC 6066) or a Host that is not a host. */
function sniName(host: string): string {
  try {
    const hostname = new URL(`https://${host}`).hostname;
    return isIP(hostname.replace(/^\[|\]$/g, '')) ? '' : hostname;
  } catch {
    return '';
  }
}

function joinPath(basePath: string, path: string): string {
  return basePath === '/' ? path : `${basePath.replace(/\/$/, '')}${path}`;
}

function isReset(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ECONNRESET' || code === 'EPIPE';
}

function errorCode(error: Error): string {
  const cause = error instanceof UpstreamError ? (error.cause as Error | undefined) : error;
  return (cause as NodeJS.ErrnoException | undefined)?.code ?? error.message;
}
