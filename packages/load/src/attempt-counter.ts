import { AsyncLocalStorage } from 'node:async_hooks';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';

/** The attempts of one call, as the clients' pipelines (or a user's module) report them. */
export class CallAttempts {
  count = 0;
  /** The last HTTP status an attempt got. */
  status: number | undefined;
  readonly requestIds: string[] = [];

  /** One attempt sent; `status` once it got an answer. */
  record(requestId: string | undefined, status?: number): void {
    this.count += 1;
    if (status !== undefined) this.status = status;
    if (requestId && !this.requestIds.includes(requestId)) this.requestIds.push(requestId);
  }
}

/**
 * Which call the code running now belongs to. A pipeline policy is shared by every call of a client
 * (and a cockatiel retry makes several SDK calls for one of ours), so the call is found through the
 * async context rather than through the request: nothing extra goes on the wire.
 */
const current = new AsyncLocalStorage<CallAttempts>();

/** Runs `fn` as the call whose attempts `attempts` counts. */
export function withCallAttempts<T>(attempts: CallAttempts, fn: () => Promise<T>): Promise<T> {
  return current.run(attempts, fn);
}

/** The call running now, if any (a user's module counts its own attempts through it). */
export function currentCallAttempts(): CallAttempts | undefined {
  return current.getStore();
}

/**
 * A `perRetry` pipeline policy: every request the pipeline sends passes through it, the SDK's own
 * retries included, so it sees each attempt with its status and `x-ms-client-request-id`.
 *
 * Not counted: the Key Vault SDKs' challenge. A client's first request goes without a token and without
 * a body, to learn the authority from the 401's WWW-Authenticate, and is sent again with the token; that
 * round trip is the SDK's handshake, made once per client, not an attempt of the call.
 */
export const attemptCounterPolicy: PipelinePolicy = {
  name: 'vaultover-load-attempts',
  async sendRequest(request, next) {
    const attempts = current.getStore();
    if (!attempts) return next(request);
    const requestId = request.headers.get('x-ms-client-request-id');
    const tokenless = !request.headers.has('authorization');
    let response: Awaited<ReturnType<typeof next>>;
    try {
      response = await next(request);
    } catch (error) {
      attempts.record(requestId);
      throw error;
    }
    const challenge = tokenless && response.status === 401 && response.headers.has('www-authenticate');
    if (!challenge) attempts.record(requestId, response.status);
    return response;
  },
};
