import type { OperationName } from '@vaultover/vault';
import type { HttpMethod, Reply } from '../data-route.ts';
import type { ArmApiFamily } from './arm-api-versions.ts';

/** What a management-plane handler gets: the caller, the parsed request and how to name things. */
export interface ArmContext {
  readonly principal: string;
  readonly apiVersion: string;
  readonly subscriptionId: string;
  readonly params: Readonly<Record<string, string | undefined>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  /** Parsed JSON body; undefined when there is none. */
  readonly body: unknown;
  /** `https://host:port` of the request, for next links. */
  readonly origin: string;
  /** Path of the request (no query), for next links and error scopes. */
  readonly path: string;
  /** `https://<vault>.<host>:<port>/`: where the vault's data plane answers, from the request's host. */
  vaultUri(name: string): string;
}

/**
 * A route of the management plane (Azure Resource Manager's shape, served by the region node itself).
 * Like data routes, each names its catalogue operation, so that RBAC, metrics and the read-only gate
 * see every request.
 */
export interface ArmRoute {
  readonly method: HttpMethod;
  /** express 5 path pattern; ARM paths are case-insensitive, as express's routing is by default. */
  readonly path: string;
  readonly operation: OperationName;
  /** When the body chooses another operation (PUT with `createMode: "recover"` is VaultRecover). */
  readonly alternative?: { readonly operation: OperationName; when(body: unknown): boolean };
  readonly hasBody?: boolean;
  /** Which api-versions the path takes: the Key Vault provider's, or the generic resources API's. */
  readonly apiFamily?: ArmApiFamily;
  handle(context: ArmContext): Promise<Reply>;
}

/** The operations a route can run under (for the catalogue test and the read-only gate). */
export function routeOperations(route: ArmRoute): OperationName[] {
  return route.alternative ? [route.operation, route.alternative.operation] : [route.operation];
}
