import type { Registry } from '@vaultover/foundation/metrics';
import { type ApiLink, createControlApi as linksApi } from '@vaultover/link-proxy';
import {
  BadParameterError,
  ForbiddenError,
  isVaultError,
  NotFoundError,
  ServiceUnavailableError,
  type VaultError,
} from '@vaultover/vault';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { type EventLog, isEventId } from '../events/event-log.ts';
import type { FailoverStore } from '../failover/failover-store.ts';
import type { FaultRules } from '../faults/fault-rules.ts';
import type { Orchestrator } from '../orchestrator/orchestrator.ts';
import type { RegionAdmin } from '../regions/region-admin.ts';
import { sessionOf } from '../status-page/session-auth.ts';
import { type BrowserAccess, statusPageApi } from '../status-page/status-page-api.ts';
import { statusPageRoutes } from '../status-page/status-page-routes.ts';
import { readJsonBody } from './json-body.ts';
import type { RegionProcesses, RegionProcessFault } from './region-processes.ts';
import type { StatusReporter } from './status-report.ts';

/** Who may use the control API: a bearer token naming an administrator. */
export interface ControlAuth {
  /** The principal named by a valid token; throws a 401 VaultError otherwise. */
  authenticate(authorization: string | undefined): Promise<string>;
  isAdministrator(principal: string): boolean;
  readonly challenge: string;
}

export interface ControlApiDeps {
  auth: ControlAuth;
  status: StatusReporter;
  events: EventLog;
  store: FailoverStore;
  orchestrator: Pick<Orchestrator, 'forceFailover' | 'forceFailback' | 'decide'>;
  admin: RegionAdmin;
  faults: FaultRules;
  /** Links driven with toxics under `/api/links` (the global endpoint's client link). */
  links: Iterable<ApiLink>;
  /** Region name → URL of its node. */
  urls: ReadonlyMap<string, string>;
  processes: RegionProcesses | undefined;
  registry: Registry;
  logger: Logger;
  /** The status page's sessions, login tokens and event streams (docs/status-page.md). */
  browser: BrowserAccess;
}

/** A reply: JSON, or no body at all when `body` is undefined (204). */
export type Handler = (req: Request, principal: string) => Promise<{ status?: number; body: unknown }>;

/**
 * The control API (docs/control-api.md): JSON, administrators only, except /metrics; and the status page
 * (docs/status-page.md), whose session cookie is the other way in for an administrator.
 */
export function controlApi(deps: ControlApiDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.get('/metrics', async (_req, res) => {
    res.type(deps.registry.contentType).send(await deps.registry.metrics());
  });
  app.use(statusPageRoutes(deps.browser));
  const authorize = async (req: Request) => {
    const principal =
      sessionOf(deps.browser.sessions, req)?.principal ??
      (await deps.auth.authenticate(req.headers.authorization));
    if (!deps.auth.isAdministrator(principal)) {
      throw new ForbiddenError(`Principal ${principal} is not an administrator; the control API needs one.`);
    }
    return principal;
  };
  const route = (method: 'get' | 'post' | 'delete', path: string, handler: Handler) =>
    app[method](path, async (req, res) => {
      try {
        const reply = await handler(req, await authorize(req));
        if (reply.body === undefined) res.status(reply.status ?? 204).end();
        else res.status(reply.status ?? 200).json(reply.body);
      } catch (error) {
        sendControlError(res, error, deps);
      }
    });

  route('get', '/api/status', async () => ({ body: await deps.status.report() }));
  route('get', '/api/events', async (req) => ({ body: { value: await deps.events.list(eventsQuery(req)) } }));
  app.get('/api/events/stream', async (req, res) => {
    try {
      await authorize(req);
      await deps.browser.streams.serve(req, res);
    } catch (error) {
      sendControlError(res, error, deps);
    }
  });
  statusPageApi(route, deps.browser);
  route('post', '/api/failover', async () => {
    const accepted = await deps.orchestrator.forceFailover();
    await deps.events.append('control', { action: 'failover', ...accepted });
    return { status: 202, body: { accepted: true, ...accepted } };
  });
  route('post', '/api/failback', async () => {
    const accepted = await deps.orchestrator.forceFailback();
    await deps.events.append('control', { action: 'failback', ...accepted });
    return { status: 202, body: { accepted: true, ...accepted } };
  });
  for (const action of ['pause', 'resume'] as const) {
    route('post', `/api/monitor/${action}`, async () => {
      await deps.store.setPaused(action === 'pause');
      await deps.events.append('control', { action: `monitor-${action}` });
      if (action === 'resume') await deps.orchestrator.decide();
      return { body: { paused: action === 'pause' } };
    });
  }
  for (const fault of ['crash', 'restart', 'redis/stop', 'redis/start'] as const) {
    route('post', `/api/regions/:region/${fault}`, async (req) =>
      processFault(deps, regionOf(deps, req), fault),
    );
  }
  for (const verdict of ['fail', 'ok'] as const) {
    route('post', `/api/regions/:region/health/${verdict}`, async (req) => {
      const region = regionOf(deps, req);
      await deps.admin.setHealth(deps.urls.get(region) as string, verdict === 'fail');
      await deps.events.append('fault', { region, fault: `health-${verdict}` });
      return { body: { region, health: verdict } };
    });
  }
  route('post', '/api/faults', async (req) => ({
    status: 201,
    body: await deps.faults.add(await readJsonBody(req)),
  }));
  route('get', '/api/faults', async () => ({ body: { value: await deps.faults.list() } }));
  route('get', '/api/faults/:id', async (req) => ({ body: await deps.faults.get(String(req.params.id)) }));
  route('delete', '/api/faults/:id', async (req) => {
    await deps.faults.remove(String(req.params.id));
    return { status: 204, body: undefined };
  });
  route('delete', '/api/faults', async () => {
    await deps.faults.removeAll();
    return { status: 204, body: undefined };
  });
  // toxiproxy's API, as the replication links' proxies serve it (and its error shape), behind the same
  // authentication: mounted here, it sees paths without the prefix (`/proxies/global-endpoint/toxics`).
  const links = linksApi(deps.links);
  app.use('/api/links', async (req, res) => {
    try {
      await authorize(req);
      links(req, res);
    } catch (error) {
      sendControlError(res, error, deps);
    }
  });
  app.use((req: Request, res: Response) =>
    sendControlError(
      res,
      new NotFoundError('NotFound', `${req.method} ${req.path.slice(0, 200)} is not a control API route.`),
      deps,
    ),
  );
  // What express refuses before a handler runs (a path parameter with a malformed percent-encoding,
  // `/api/faults/%ZZ`) is the client's mistake: 400, as the region answers it, not a 500.
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const refused = error instanceof URIError || (error as { status?: unknown }).status === 400;
    const reported = refused
      ? new BadParameterError(`The request URI is not valid: ${(error as Error).message.slice(0, 200)}`)
      : error;
    sendControlError(res, reported, deps);
  });
  return app;
}

async function processFault(
  deps: ControlApiDeps,
  region: string,
  fault: RegionProcessFault,
): Promise<{ body: unknown }> {
  const processes = deps.processes;
  if (!processes) {
    throw new ServiceUnavailableError(
      'This control process does not supervise the region processes (it was started alone); ' +
        'run it under `vaultover up` to crash, restart or stop Redis.',
    );
  }
  const actions: Record<RegionProcessFault, () => Promise<void>> = {
    crash: () => processes.crash(region),
    restart: () => processes.restart(region),
    'redis/stop': () => processes.stopRedis(region),
    'redis/start': () => processes.startRedis(region),
  };
  await actions[fault]();
  await deps.events.append('fault', { region, fault: fault.replace('/', '-') });
  return { body: { region, fault } };
}

function regionOf(deps: ControlApiDeps, req: Request): string {
  const region = String(req.params.region);
  if (!deps.urls.has(region)) {
    throw new NotFoundError(
      'RegionNotFound',
      `No region is named ${region.slice(0, 60)}; regions: ${[...deps.urls.keys()].join(', ')}.`,
    );
  }
  return region;
}

function eventsQuery(req: Request): { since?: string; limit?: number } {
  const since = typeof req.query.since === 'string' ? req.query.since : undefined;
  if (since !== undefined && !isEventId(since)) {
    throw new BadParameterError('"since" must be an event id such as 1700000000000-0.');
  }
  const limitText = typeof req.query.limit === 'string' ? req.query.limit : undefined;
  const limit = limitText === undefined ? undefined : Number(limitText);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0 && limit <= 10_000)) {
    throw new BadParameterError('"limit" must be a whole number from 1 to 10000.');
  }
  return { ...(since ? { since } : {}), ...(limit ? { limit } : {}) };
}

function sendControlError(
  res: Response,
  error: unknown,
  deps: Pick<ControlApiDeps, 'auth' | 'logger'>,
): void {
  if (isVaultError(error)) {
    const vaultError = error as VaultError;
    if (vaultError.status === 401) res.setHeader('WWW-Authenticate', deps.auth.challenge);
    res.status(vaultError.status).json({ error: { code: vaultError.code, message: vaultError.message } });
    return;
  }
  deps.logger.error({ err: error }, 'control API request failed');
  res.status(500).json({
    error: {
      code: 'InternalServerError',
      message: 'The control process failed to process the request; see its log.',
    },
  });
}
