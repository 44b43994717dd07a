import { randomUUID } from 'node:crypto';
import type { Authenticator, Authorizer } from '@vaultover/auth';
import { EPOCH_HEADER } from '@vaultover/contract';
import type { VaultHostResolver } from '@vaultover/tls';
import {
  BadParameterError,
  MethodNotAllowedError,
  NotFoundError,
  operation,
  type VaultRegistry,
  vaultNotFound,
} from '@vaultover/vault';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { observeInjected, type RequestFaults } from '../faults/fault-injector.ts';
import { routedEpoch } from '../mode/epoch-header.ts';
import type { ModeGate } from '../mode/mode-gate.ts';
import type { RegionMetrics } from '../region-metrics.ts';
import type { RequestLog } from '../request-log/request-log.ts';
import type { RequestThrottle } from '../throttling/request-throttle.ts';
import { requireApiVersion } from './api-version.ts';
import type { DataRoute, RequestContext } from './data-route.ts';
import { sendError } from './error-reply.ts';
import { readJsonBody } from './json-body.ts';
import { armFallback } from './management/arm-fallback.ts';
import { armHandler } from './management/arm-handler.ts';
import type { ArmRoute } from './management/arm-route.ts';
import { requestOrigin } from './request-origin.ts';
import { sendJson } from './send-json.ts';

/** Routes outside the vault data plane (health, metrics, admin): served as they are, never gated by operation. */
export interface InfraRoute {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  handle(req: Request, res: Response): Promise<void> | void;
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

/** The region node's express app: common headers, infrastructure routes, the data plane, errors. */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(normalizePath);
  app.use((_req, res, next) => {
    res.setHeader('x-ms-request-id', randomUUID());
    res.setHeader('x-ms-keyvault-region', deps.region);
    // The mode at the request's start: clients of the global endpoint see which kind of region they
    // reached (the endpoint only relays bytes, so it cannot add it).
    res.setHeader('x-vaultover-mode', deps.gate.state.mode);
    // And the epoch of that mode: a history checker tells which answers belong to one routing epoch.
    res.setHeader(EPOCH_HEADER, String(deps.gate.state.epoch));
    res.setHeader('x-ms-keyvault-service-version', deps.serviceVersion);
    next();
  });
  for (const route of deps.infraRoutes) {
    app[route.method === 'GET' ? 'get' : 'post'](route.path, async (req, res) => {
      try {
        await route.handle(req, res);
      } catch (error) {
        sendError(res, error, (e) => deps.logger.error({ err: e, path: req.path }, 'admin request failed'));
      }
    });
  }
  // The management plane first: its paths name the vault, the Host does not.
  const managementRoutes = deps.managementRoutes ?? [];
  for (const route of managementRoutes) {
    app[verb(route.method)](route.path, armHandler(route, deps));
  }
  app.use('/subscriptions', armFallback(managementRoutes));
  for (const route of deps.dataRoutes) {
    app[verb(route.method)](route.path, dataHandler(route, deps));
  }
  app.use(notFound(deps.dataRoutes));
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
  return app;
}

function verb(method: DataRoute['method']) {
  return method.toLowerCase() as 'get' | 'put' | 'post' | 'patch' | 'delete';
}

/** Collapses repeated slashes: the SDK sends `/keys/{n}//encrypt` for a versionless key id. */
function normalizePath(req: Request, _res: Response, next: NextFunction): void {
  if (req.url.includes('//')) {
    const q = req.url.indexOf('?');
    const path = q < 0 ? req.url : req.url.slice(0, q);
    req.url = path.replace(/\/{2,}/g, '/') + (q < 0 ? '' : req.url.slice(q));
  }
  next();
}

function dataHandler(route: DataRoute, deps: AppDeps) {
  const op = operation(route.operation);
  const operationName = () => op.name;
  return async (req: Request, res: Response): Promise<void> => {
    const started = performance.now();
    deps.requestLog?.track(req, res, operationName);
    let status: number;
    try {
      const principal = await deps.authenticator.authenticate(req.headers.authorization);
      const vaultName = deps.hosts.resolve(req.hostname);
      // Fault rules, then the mode gate: after the 401 challenge (SDKs need it to get a token at all),
      // before anything reads the vault. A request no rule matches goes on at once.
      const faults = deps.faults.match({
        operation: op.name,
        vault: vaultName,
        principal,
        method: req.method,
      });
      const injected = faults && (await deps.faults.inject(faults, req, res));
      if (injected) return observeInjected(deps.metrics, op.name, injected, started);
      // Throttling counts after the fault rules (a rule's 429 comes first), before the mode gate.
      if (deps.throttle) await deps.throttle.admit(op.name, req, res);
      deps.gate.admit(op.name, routedEpoch(req));
      const apiVersion = requireApiVersion(queryValue(req, 'api-version'));
      if (!vaultName) throw vaultNotFound(req.hostname);
      const vault = await deps.vaults.get(vaultName);
      deps.authorizer.authorize(op, {
        principal,
        vault: vault.name,
        region: deps.region,
        tenantId: deps.tenantId,
      });
      const context: RequestContext = {
        vault,
        base: requestOrigin(req.headers.host),
        apiVersion,
        params: req.params as Record<string, string | undefined>,
        query: req.query as Record<string, string | undefined>,
        body: route.hasBody ? await readJsonBody(req) : undefined,
        principal,
      };
      const reply = await route.handle(context);
      if (op.class === 'write' && reply.status < 400) await deps.afterWrite?.(vault.name);
      status = reply.status;
      sendJson(res, status, reply.body);
    } catch (error) {
      if ((error as { status?: number }).status === 401)
        res.setHeader('WWW-Authenticate', deps.authenticator.challenge);
      status = sendError(res, error, (e) =>
        deps.logger.error({ err: e, operation: op.name }, 'request failed'),
      );
    }
    deps.metrics.observe(op.name, status, (performance.now() - started) / 1000);
  };
}

function queryValue(req: Request, name: string): string | undefined {
  const value = (req.query as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** 405 for a known path with another method (as the real service: "HTTP PUT not allowed"), else 404. */
function notFound(routes: readonly DataRoute[]) {
  return (req: Request, res: Response): void => {
    const known = routes.some((r) => matchesPath(r.path, req.path));
    const error = known
      ? new MethodNotAllowedError(req.method)
      : new NotFoundError(
          'NotFound',
          `The path ${req.path.slice(0, 200)} is not an operation of this service.`,
        );
    sendError(res, error, () => {}); // a VaultError: never unexpected, nothing to log
  };
}

function matchesPath(pattern: string, path: string): boolean {
  const regex = pattern.replace(/\{\/:[a-z]+\}/gi, '(?:/[^/]+)?').replace(/:[a-z]+/gi, '[^/]+');
  return new RegExp(`^${regex}/?$`, 'i').test(path);
}
