import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authenticator, Authorizer } from '@vaultover/auth';
import { EPOCH_HEADER } from '@vaultover/contract';
import type { VaultHostResolver } from '@vaultover/tls';
import {
  BadParameterError,
  MethodNotAllowedError,
  NotFoundError,
  type VaultRegistry,
} from '@vaultover/vault';
import type { Express, NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import type { RequestFaults } from '../faults/fault-injector.ts';
import type { ModeGate } from '../mode/mode-gate.ts';
import type { RegionMetrics } from '../region-metrics.ts';
import type { RequestLog } from '../request-log/request-log.ts';
import type { RequestThrottle } from '../throttling/request-throttle.ts';
import { type DataRequest, dataHandler, hostnameOf, sendDataPlaneError } from './data-handler.ts';
import type { DataRoute } from './data-route.ts';
import { collapseSlashes, DataRouteTable, type RoutePattern } from './data-route-table.ts';
import { sendError } from './error-reply.ts';
import { armFallback } from './management/arm-fallback.ts';
import { armHandler } from './management/arm-handler.ts';
import type { ArmRoute } from './management/arm-route.ts';

/** Where the management plane's paths start (ARM's `/subscriptions/…`). */
const MANAGEMENT_PREFIX = '/subscriptions';

/** Routes outside the vault data plane (health, metrics, admin): served as they are, never gated by operation. */
export interface InfraRoute {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void> | void;
}

export interface AppDeps {
  region: string;
  tenantId: string;
  dataRoutes: readonly DataRoute[];
  infraRoutes: readonly InfraRoute[];
  /** The management plane (ARM-shaped `/subscriptions/…` routes); none when absent. */
  managementRoutes?: readonly ArmRoute[];
  vaults: VaultRegistry;
  hosts: VaultHostResolver;
  authenticator: Authenticator;
  authorizer: Authorizer;
  metrics: RegionMetrics;
  logger: Logger;
  serviceVersion: string;
  /** The region's mode: asked about every data-plane and management request, after authentication. */
  gate: ModeGate;
  /** Throttling per vault (throttling/); absent when off, so that it costs nothing. */
  throttle?: RequestThrottle;
  /** Request-level fault rules, tried before the gate (NO_FAULTS without a control process). */
  faults: RequestFaults;
  /** The request log (observability.requestLog under a control process); absent: nothing is logged. */
  requestLog?: RequestLog | undefined;
  /** Sync replication (primary): called after a successful write, before the answer; throws to fail it (503). */
  afterWrite?: (vault: string) => Promise<void>;
}

/** What the region node's HTTPS server calls, and the express app behind it. */
export interface RegionApp {
  /** The route tables (the data plane's, then the infrastructure's) first; express for what they leave. */
  readonly listener: (req: IncomingMessage, res: ServerResponse) => void;
  /**
   * Common headers, infrastructure routes, the management plane, the data plane again (for what the
   * tables leave: HEAD of GET routes excepted, nothing an SDK sends), 404, 405 and the errors express
   * raises. Built, and express loaded, at the first request the tables leave to it.
   */
  express(): Promise<Express>;
}

/**
 * The region node's request handling. The data plane and the infrastructure routes (health, metrics,
 * admin) are routed by tables of their own (data-route-table.ts): express's router tries each of its
 * layers in turn, a cost every request of the data plane paid, while those paths share their first
 * segment with no other route. Express serves the rest (the management plane, 404, 405), and is loaded
 * only when such a request comes: a node nobody manages never needs its 9 MiB.
 */
export function createApp(deps: AppDeps): RegionApp {
  const table = new DataRouteTable(
    deps.dataRoutes.map((route) => ({
      method: route.method,
      path: route.path,
      route,
      handle: dataHandler(route, deps),
    })),
  );
  const infra = new DataRouteTable(
    deps.infraRoutes.map((route) => {
      table.claim(route.path);
      return { method: route.method, path: route.path, handle: infraHandler(route, deps) };
    }),
  );
  const managementRoutes = deps.managementRoutes ?? [];
  for (const route of managementRoutes) table.claim(route.path);
  table.claim(MANAGEMENT_PREFIX);
  let app: Promise<Express> | undefined;
  const expressApp = () => {
    app ??= import('express').then(({ default: express }) => {
      const app = express();
      app.disable('x-powered-by');
      app.set('etag', false);
      app.use((_req, res, next) => {
        setCommonHeaders(res, deps);
        next();
      });
      for (const { method, path, handle } of infra.routes) app[verb(method)](path, handle);
      // The management plane first: its paths name the vault, the Host does not.
      for (const route of managementRoutes) app[verb(route.method)](route.path, armHandler(route, deps));
      app.use(MANAGEMENT_PREFIX, armFallback(managementRoutes));
      serveDataRoutes(app, table, deps);
      return app;
    });
    return app;
  };
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    req.url = collapseSlashes(req.url ?? '');
    const method = req.method ?? '';
    // The data plane first: it is the hot path, and the two tables share no first segment (claim).
    const routed = table.route(method, req.url);
    if (!routed) {
      const admin = infra.route(method, req.url);
      if (admin) {
        setCommonHeaders(res, deps);
        return void admin.route.handle(req, res);
      }
      expressApp().then(
        (app) => app(req, res),
        (error: unknown) => {
          deps.logger.error({ err: error }, 'could not load express');
          req.socket.destroy();
        },
      );
      return;
    }
    setCommonHeaders(res, deps);
    const { route, handle } = routed.route;
    const { params, query } = routed;
    handle({ req, res, method, params, query, hostname: hostnameOf(req.headers.host) })
      // The handler answers every error itself; one that escapes it could not be answered (as express).
      .catch((error: unknown) => {
        deps.logger.error({ err: error, operation: route.operation }, 'request failed');
        req.socket.destroy();
      });
  };
  return { listener, express: expressApp };
}

/** A data route in the table, with its handler. */
interface DataRouteEntry extends RoutePattern {
  readonly route: DataRoute;
  readonly handle: (request: DataRequest) => Promise<void>;
}

/** An infrastructure route's handler, answering its errors in the service's format. */
function infraHandler(route: InfraRoute, deps: AppDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    try {
      await route.handle(req, res);
    } catch (error) {
      sendError(res, error, (e) => deps.logger.error({ err: e, path: req.url }, 'admin request failed'));
    }
  };
}

/** The data plane again in express, for what the table leaves to it; then 404, 405 and express's own errors. */
function serveDataRoutes(app: Express, table: DataRouteTable<DataRouteEntry>, deps: AppDeps): void {
  for (const { route, handle } of table.routes) {
    app[verb(route.method)](route.path, (req: Request, res: Response) =>
      handle({
        req,
        res,
        method: req.method,
        params: req.params as Record<string, string | undefined>,
        query: req.query,
        hostname: req.hostname,
      }),
    );
  }
  app.use(notFound(table, deps.authenticator, deps.logger));
  // Errors express raises before a handler runs (a malformed percent-encoding in the path) get the
  // service's own error format too, never express's HTML page.
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = (error as { status?: number }).status;
    const reported =
      error instanceof URIError || status === 400
        ? new BadParameterError(`The request URI is not valid: ${(error as Error).message.slice(0, 200)}`)
        : error;
    sendError(res, reported, (e) => deps.logger.error({ err: e, path: req.path }, 'request failed'));
  });
}

/** Headers of every answer of the region, set before anything else runs. */
function setCommonHeaders(res: ServerResponse, deps: AppDeps): void {
  res.setHeader('x-ms-request-id', randomUUID());
  res.setHeader('x-ms-keyvault-region', deps.region);
  // The mode at the request's start: clients of the global endpoint see which kind of region they
  // reached (the endpoint only relays bytes, so it cannot add it).
  res.setHeader('x-vaultover-mode', deps.gate.state.mode);
  // And the epoch of that mode: a history checker tells which answers belong to one routing epoch.
  res.setHeader(EPOCH_HEADER, String(deps.gate.state.epoch));
  res.setHeader('x-ms-keyvault-service-version', deps.serviceVersion);
}

function verb(method: DataRoute['method'] | InfraRoute['method']) {
  return method.toLowerCase() as 'get' | 'put' | 'post' | 'patch' | 'delete';
}

/**
 * 405 for a known path with another method (as the real service: "HTTP PUT not allowed"), else 404.
 * The 405 comes after authentication, as the real service's: its recorded answer to the SDK's
 * `setSecret("")` is the 401 challenge for the first, tokenless `PUT /secrets/`, then the 405.
 */
function notFound(table: DataRouteTable<RoutePattern>, authenticator: Authenticator, logger: Logger) {
  return async (req: Request, res: Response): Promise<void> => {
    try {
      if (!table.hasPath(req.path)) {
        throw new NotFoundError(
          'NotFound',
          `The path ${req.path.slice(0, 200)} is not an operation of this service.`,
        );
      }
      await authenticator.authenticate(req.headers.authorization);
      throw new MethodNotAllowedError(req.method);
    } catch (error) {
      sendDataPlaneError(res, error, authenticator.challenge, (e) =>
        logger.error({ err: e, path: req.path }, 'request failed'),
      );
    }
  };
}
