import type { IncomingMessage, ServerResponse } from 'node:http';
import { operation, RestoreConflictError, vaultNotFound } from '@vaultover/vault';
import { observeInjected } from '../faults/fault-injector.ts';
import { routedEpoch } from '../mode/epoch-header.ts';
import { requireApiVersion } from './api-version.ts';
import type { AppDeps } from './app.ts';
import type { DataRoute, RequestContext } from './data-route.ts';
import { sendError } from './error-reply.ts';
import { readJsonBody } from './json-body.ts';
import { badHost, requestOrigin } from './request-origin.ts';
import { sendJson } from './send-json.ts';

/** A data-plane request as routed: by the route table, or by express for what the table leaves to it. */
export interface DataRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The request's method (a HEAD is served by its GET route). */
  readonly method: string;
  readonly params: Readonly<Record<string, string | undefined>>;
  readonly query: Readonly<Record<string, unknown>>;
  /** The Host header without its port (express's `req.hostname`); undefined without one. */
  readonly hostname: string | undefined;
}

/**
 * Serves one route of the data plane: authentication, fault rules, throttling, the mode gate, the
 * api-version and vault checks, authorization, the route's handler, the reply and its metrics.
 */
export function dataHandler(route: DataRoute, deps: AppDeps): (request: DataRequest) => Promise<void> {
  const op = operation(route.operation);
  const operationName = () => op.name;
  return async (request) => {
    const { req, res, hostname } = request;
    const started = performance.now();
    deps.requestLog?.track(req, res, operationName);
    let status: number;
    try {
      const principal = await deps.authenticator.authenticate(req.headers.authorization);
      const vaultName = hostname === undefined ? undefined : deps.hosts.resolve(hostname);
      // Fault rules, then the mode gate: after the 401 challenge (SDKs need it to get a token at all),
      // before anything reads the vault. A request no rule matches goes on at once.
      const faults = deps.faults.match({
        operation: op.name,
        vault: vaultName,
        principal,
        method: request.method,
      });
      const injected = faults && (await deps.faults.inject(faults, req, res));
      if (injected) return observeInjected(deps.metrics, op.name, injected, started);
      // Throttling counts after the fault rules (a rule's 429 comes first), before the mode gate.
      if (deps.throttle) await deps.throttle.admit(op.name, request);
      deps.gate.admit(op.name, routedEpoch(req));
      const apiVersion = requireApiVersion(stringValue(request.query['api-version']));
      // No Host at all: an HTTP/1.0 request (Node refuses HTTP/1.1 without one).
      if (!vaultName) throw hostname === undefined ? badHost() : vaultNotFound(hostname);
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
        params: request.params,
        query: request.query as Record<string, string | undefined>,
        body: route.hasBody ? await readJsonBody(req) : undefined,
        principal,
      };
      const reply = await route.handle(context);
      if (op.class === 'write' && reply.status < 400) await deps.afterWrite?.(vault.name);
      status = reply.status;
      sendJson(res, status, reply.body);
    } catch (error) {
      // A restore's conflict names the object by its full id, on the origin the request reached.
      const answered =
        error instanceof RestoreConflictError ? error.at(requestOrigin(req.headers.host)) : error;
      status = sendDataPlaneError(res, answered, deps.authenticator.challenge, (e) =>
        deps.logger.error({ err: e, operation: op.name }, 'request failed'),
      );
    }
    deps.metrics.observe(op.name, status, (performance.now() - started) / 1000);
  };
}

/**
 * Answers a data-plane error in the service's format; a 401 carries the challenge the SDKs answer with
 * a token. The status sent.
 */
export function sendDataPlaneError(
  res: ServerResponse,
  error: unknown,
  challenge: string,
  logUnexpected: (error: unknown) => void,
): number {
  if ((error as { status?: number }).status === 401) res.setHeader('WWW-Authenticate', challenge);
  return sendError(res, error, logUnexpected);
}

/** Express's `req.hostname`: the Host header up to its port (an IPv6 literal keeps its brackets). */
export function hostnameOf(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const offset = host[0] === '[' ? host.indexOf(']') + 1 : 0;
  const colon = host.indexOf(':', offset);
  return colon < 0 ? host : host.slice(0, colon);
}

function stringValue(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
