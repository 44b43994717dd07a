import { isIP } from 'node:net';
import type { Authenticator, Authorizer } from '@vaultover/auth';
import type { VaultHostResolver } from '@vaultover/tls';
import {
  BadParameterError,
  invalidRequestContent,
  isVaultError,
  type OperationName,
  operation,
} from '@vaultover/vault';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { observeInjected, type RequestFaults } from '../../faults/fault-injector.ts';
import { routedEpoch } from '../../mode/epoch-header.ts';
import type { ModeGate } from '../../mode/mode-gate.ts';
import type { RegionMetrics } from '../../region-metrics.ts';
import type { RequestLog } from '../../request-log/request-log.ts';
import { sendError } from '../error-reply.ts';
import { readJsonBody } from '../json-body.ts';
import { requestOrigin } from '../request-origin.ts';
import { sendJson } from '../send-json.ts';
import { requireArmApiVersion } from './arm-api-versions.ts';
import {
  armChallenge,
  authenticationMissing,
  authorizationFailed,
  invalidAuthenticationToken,
  invalidSubscriptionId,
  resourceGroupNotFound,
} from './arm-errors.ts';
import type { ArmRoute } from './arm-route.ts';

/** What the management plane needs from the region node. */
export interface ArmDeps {
  region: string;
  hosts: VaultHostResolver;
  authenticator: Authenticator;
  authorizer: Authorizer;
  metrics: RegionMetrics;
  logger: Logger;
  /** The region's mode: asked about every management request, after authentication. */
  gate: ModeGate;
  /** Request-level fault rules, tried just before the gate. */
  faults: RequestFaults;
  /** The request log; absent: nothing is logged. */
  requestLog?: RequestLog | undefined;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// ARM's rule for resource group names: 1–90 of letters, digits, `_-.()`, not ending with a period.
const RESOURCE_GROUP = /^[\w\-.()]{0,89}[\w\-()]$/;

/**
 * Serves one management route: no vault from the Host (the path names it), ARM's api-versions, ARM's
 * errors. Bearer tokens are the same as the data plane's: the ARM client sends its token directly (no
 * challenge) for scope `<endpoint>/.default`, and Vaultover tokens are accepted whatever scope was asked.
 */
export function armHandler(route: ArmRoute, deps: ArmDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const started = performance.now();
    let name: OperationName = route.operation;
    deps.requestLog?.track(req, res, () => name);
    let status: number;
    try {
      const principal = await authenticate(req, deps);
      const admission: Admission = { req, res, principal, epoch: routedEpoch(req), started };
      // A route with an alternative (VaultPut: create or recover) is named by its body, read below: its
      // faults match, and its refusal names, the operation asked for. Neither reads the vault before.
      if (!route.alternative && !(await admit(deps, name, admission))) return;
      const apiVersion = requireArmApiVersion(
        query(req)['api-version'],
        route.apiFamily ?? 'keyvault',
        deps.region,
      );
      const params = req.params as Record<string, string | undefined>;
      const subscriptionId = requireSubscription(params.subscriptionId ?? '');
      if (params.resourceGroupName !== undefined) requireResourceGroup(params.resourceGroupName);
      const body = route.hasBody ? await readArmBody(req) : undefined;
      if (route.alternative) {
        if (route.alternative.when(body)) name = route.alternative.operation;
        if (!(await admit(deps, name, admission))) return;
      }
      authorize(deps, principal, name, req.path);
      const origin = requestOrigin(req.headers.host);
      const reply = await route.handle({
        principal,
        apiVersion,
        subscriptionId,
        params,
        query: query(req),
        body,
        origin,
        path: req.path,
        vaultUri: (vault) => vaultUri(origin, vault, deps.hosts),
      });
      status = reply.status;
      sendJson(res, status, reply.body);
    } catch (error) {
      if (isVaultError(error) && error.status === 401)
        res.setHeader('WWW-Authenticate', armChallenge(error.message));
      status = sendError(res, error, (e) => deps.logger.error({ err: e, operation: name }, 'request failed'));
    }
    deps.metrics.observe(name, status, (performance.now() - started) / 1000);
  };
}

interface Admission {
  req: Request;
  res: Response;
  principal: string;
  epoch: number | undefined;
  started: number;
}

/**
 * Once the operation is known: the fault rules, then the mode gate (which throws its refusal), as on the
 * data plane. False when a fault took the request over. The vault is the one the path names, if any.
 */
async function admit(deps: ArmDeps, name: OperationName, a: Admission): Promise<boolean> {
  const { req, res } = a;
  const vault = req.params.vaultName;
  const request = {
    operation: name,
    vault: typeof vault === 'string' ? vault : undefined,
    principal: a.principal,
    method: req.method,
  };
  const faults = deps.faults.match(request);
  const injected = faults && (await deps.faults.inject(faults, req, res));
  if (injected) {
    observeInjected(deps.metrics, name, injected, a.started);
    return false;
  }
  // Throttling goes here, as on the data plane: after the faults, before the gate.
  deps.gate.admit(name, a.epoch);
  return true;
}

async function authenticate(req: Request, deps: ArmDeps): Promise<string> {
  if (!req.headers.authorization) throw authenticationMissing();
  try {
    return await deps.authenticator.authenticate(req.headers.authorization);
  } catch (error) {
    if (isVaultError(error) && error.status === 401) throw invalidAuthenticationToken(error.message);
    throw error;
  }
}

function authorize(deps: ArmDeps, principal: string, name: OperationName, scope: string): void {
  const op = operation(name);
  if (deps.authorizer.allows(principal, op)) return;
  const missingSpecial = op.special !== undefined && deps.authorizer.rolesAllow(principal, op);
  throw authorizationFailed(principal, op, scope, missingSpecial);
}

function requireSubscription(subscriptionId: string): string {
  if (!GUID.test(subscriptionId)) throw invalidSubscriptionId(subscriptionId);
  return subscriptionId.toLowerCase();
}

function requireResourceGroup(resourceGroup: string): void {
  if (!RESOURCE_GROUP.test(resourceGroup)) throw resourceGroupNotFound(resourceGroup);
}

/** The body as JSON; ARM calls a body it cannot read "invalid request content". */
async function readArmBody(req: Request): Promise<unknown> {
  try {
    return await readJsonBody(req);
  } catch (error) {
    if (error instanceof BadParameterError) throw invalidRequestContent(error.message);
    throw error;
  }
}

/**
 * Where a vault's data plane answers, as seen from this request: `<vault>.<host>:<port>` where host is
 * the one the client used (`localhost` when it used an IP, which cannot carry a vault label).
 */
export function vaultUri(origin: string, vault: string, hosts: VaultHostResolver): string {
  const url = new URL(origin);
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const host = isIP(hostname) ? 'localhost' : (hosts.split(hostname)?.host ?? hostname.toLowerCase());
  return `https://${vault}.${host}${url.port ? `:${url.port}` : ''}/`;
}

function query(req: Request): Record<string, string | undefined> {
  const values: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(req.query as Record<string, unknown>)) {
    if (typeof value === 'string') values[key] = value;
  }
  return values;
}
