import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ApiLink } from './api-link.ts';
import {
  BadRequestError,
  ForbiddenError,
  LinkProxyError,
  ProxyNotFoundError,
  UnauthorizedError,
} from './errors.ts';
import { readJsonObject, sendError, sendJson } from './http-json.ts';
import type { LinkApiAccess } from './link-api-access.ts';
import { linkMetricsRegistry } from './link-metrics.ts';

/** A request handler for node:http, mountable by the control process. */
export type ControlApiHandler = (request: IncomingMessage, response: ServerResponse) => void;

class RouteNotFoundError extends LinkProxyError {
  readonly code = 'RouteNotFound';
  readonly status = 404;
}

class MethodNotAllowedError extends LinkProxyError {
  readonly code = 'MethodNotAllowed';
  readonly status = 405;
}

/**
 * toxiproxy's HTTP API over a fixed set of links, proxies or the kernel's (no proxy creation: Vaultover
 * owns the topology).
 * Routes: GET /proxies; GET|POST|PATCH /proxies/{p}; GET|POST /proxies/{p}/toxics;
 * GET|POST|PATCH|DELETE /proxies/{p}/toxics/{t}; POST /reset.
 */
export function createControlApi(proxies: Iterable<ApiLink>): ControlApiHandler {
  const byName = new Map([...proxies].map((proxy) => [proxy.name, proxy]));
  const proxyNamed = (name: string) => {
    const proxy = byName.get(name);
    if (!proxy) throw new ProxyNotFoundError(name);
    return proxy;
  };
  const route = async (request: IncomingMessage, response: ServerResponse) => {
    const method = request.method ?? 'GET';
    const path = new URL(request.url ?? '/', 'http://control').pathname;
    const parts = path.split('/').filter(Boolean).map(decodePart);
    const write = method === 'POST' || method === 'PATCH';
    const body = write ? await readJsonObject(request) : {};
    const [root, proxyName, sub, toxicName, ...rest] = parts;
    if (rest.length > 0) throw new RouteNotFoundError(`no route ${path}`);

    if (root === 'reset' && parts.length === 1) {
      if (method !== 'POST') throw new MethodNotAllowedError('use POST /reset');
      for (const proxy of byName.values()) {
        await proxy.removeAllToxics();
        await proxy.setEnabled(true);
      }
      return sendJson(response, 204);
    }
    if (root !== 'proxies') throw new RouteNotFoundError(`no route ${path}`);
    if (proxyName === undefined) {
      if (method !== 'GET') throw new MethodNotAllowedError('proxies are fixed; only GET /proxies');
      return sendJson(response, 200, Object.fromEntries([...byName].map(([n, p]) => [n, p.toJSON()])));
    }
    const proxy = proxyNamed(proxyName);
    if (sub === undefined) {
      if (method === 'GET') return sendJson(response, 200, proxy.toJSON());
      if (!write) throw new MethodNotAllowedError('use GET or POST');
      if ('enabled' in body && typeof body.enabled !== 'boolean') {
        throw new BadRequestError('"enabled" must be a boolean');
      }
      if (typeof body.enabled === 'boolean') await proxy.setEnabled(body.enabled);
      return sendJson(response, 200, proxy.toJSON());
    }
    if (sub !== 'toxics') throw new RouteNotFoundError(`no route ${path}`);
    if (toxicName === undefined) {
      if (method === 'GET') return sendJson(response, 200, proxy.toxics());
      if (method !== 'POST') throw new MethodNotAllowedError('use GET or POST');
      return sendJson(response, 200, await proxy.addToxic(body));
    }
    if (method === 'GET') return sendJson(response, 200, proxy.toxic(toxicName));
    if (write) return sendJson(response, 200, await proxy.updateToxic(toxicName, body));
    if (method === 'DELETE') {
      await proxy.removeToxic(toxicName);
      return sendJson(response, 204);
    }
    throw new MethodNotAllowedError('use GET, POST, PATCH or DELETE');
  };
  return (request, response) => {
    route(request, response).catch((error: unknown) => sendError(response, error));
  };
}

function decodePart(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new BadRequestError(`malformed path segment '${part.slice(0, 60)}'`);
  }
}

/** Options of {@link startControlApi}. */
export interface ControlApiOptions {
  /** Who may use every route but `GET /metrics`; checked before the request's body is read. */
  access: LinkApiAccess;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
}

/**
 * Serves the control API on host:port, to the callers `access` allows, and the links' Prometheus metrics
 * at `GET /metrics` (link-metrics.ts) to anyone: Prometheus scrapes without a token, and the figures hold
 * no secret. The control process mounts createControlApi under its own routes and its own
 * authentication, without this `/metrics`: the global endpoint's figures are its `vaultover_gateway_*`.
 * Resolves once listening.
 */
export async function startControlApi(
  proxies: Iterable<ApiLink>,
  options: ControlApiOptions,
): Promise<{ server: Server; url: string; close: () => Promise<void> }> {
  const host = options.host ?? '127.0.0.1';
  const links = [...proxies];
  const api = withAccess(createControlApi(links), options.access);
  const registry = linkMetricsRegistry(links);
  const server = createServer((request, response) => {
    if (new URL(request.url ?? '/', 'http://control').pathname !== '/metrics') return api(request, response);
    if (request.method !== 'GET') return sendError(response, new MethodNotAllowedError('use GET /metrics'));
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: unknown) => sendError(response, error),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : 0;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { server, url: `http://${host}:${port}`, close };
}

/** `handler`, behind `access`: a refusal is answered in toxiproxy's format, a 401 with the challenge. */
function withAccess(handler: ControlApiHandler, access: LinkApiAccess): ControlApiHandler {
  return (request, response) => {
    access.decide(request.headers.authorization).then(
      (verdict) => {
        if (verdict.allowed) return handler(request, response);
        if (verdict.status === 403) return sendError(response, new ForbiddenError(verdict.reason));
        sendError(response, new UnauthorizedError(verdict.reason), { 'www-authenticate': access.challenge });
      },
      (error: unknown) => sendError(response, error),
    );
  };
}
