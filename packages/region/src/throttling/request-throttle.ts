import type { IncomingMessage } from 'node:http';
import type { VaultHostResolver } from '@vaultover/tls';
import type { OperationName } from '@vaultover/vault';
import type { DataRequest } from '../http/data-handler.ts';
import { readJsonBody } from '../http/json-body.ts';
import type { RegionMetrics } from '../region-metrics.ts';
import type { Throttle } from './throttle.ts';
import { ThrottledError } from './throttled-error.ts';

export interface RequestThrottleOptions {
  readonly throttle: Throttle;
  readonly hosts: VaultHostResolver;
  readonly metrics: RegionMetrics;
  /** Sent as `Retry-After` with every refusal; absent: no Retry-After (the real service sends none). */
  readonly retryAfterSeconds?: number | undefined;
}

/**
 * The data plane's side of throttling: finds what a request is counted as (its vault from the Host, the
 * key named in its path, whether a key creation's body asks for an HSM key), asks the throttle, and
 * turns a refusal into the 429. A region that does not throttle has none, and pays nothing.
 */
export class RequestThrottle {
  readonly #options: RequestThrottleOptions;

  constructor(options: RequestThrottleOptions) {
    this.#options = options;
  }

  /** Resolves when the request may go on; throws ThrottledError (429) when its class's budget is spent. */
  async admit(operation: OperationName, request: DataRequest): Promise<void> {
    const { throttle, hosts, metrics, retryAfterSeconds } = this.#options;
    const { req, res, hostname, params } = request;
    // A host that names no vault is answered VaultNotFound by the handler; nothing to count it against.
    const vault = hostname === undefined ? undefined : hosts.resolve(hostname);
    if (!vault) return;
    const decision = await throttle.decide(operation, {
      vault,
      keyName: params.name,
      keyVersion: params.version,
      hsm: (operation === 'KeyCreate' || operation === 'KeyImport') && (await asksForHsmKey(operation, req)),
    });
    if (!decision || decision.admitted) return;
    metrics.throttled(decision.class);
    if (retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(retryAfterSeconds));
    throw new ThrottledError(decision.class, decision.retryAt);
  }
}

/**
 * Whether a key creation or import asks for an HSM key (`kty` `RSA-HSM`/`EC-HSM`, or an import's `Hsm`).
 * The body is read here, once (the handler gets the same parse, or the same error, later); one that
 * cannot be read weighs as a software key, and the handler then reports it.
 */
async function asksForHsmKey(operation: 'KeyCreate' | 'KeyImport', req: IncomingMessage): Promise<boolean> {
  const body = (await readJsonBody(req).catch(() => undefined)) as
    | { kty?: unknown; Hsm?: unknown; key?: { kty?: unknown } }
    | undefined;
  const isHsmType = (kty: unknown) => typeof kty === 'string' && kty.endsWith('-HSM');
  if (operation === 'KeyCreate') return isHsmType(body?.kty);
  return body?.Hsm === true || isHsmType(body?.key?.kty);
}
