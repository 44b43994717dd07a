import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/** Headers the gateway adds to its own answers. */
export interface ReplyHeaders {
  /** `x-vaultover-mode`: the serving mode, or the state of the window (`failing-over`, …). */
  mode: string;
  /** `x-ms-keyvault-region`, when a region is concerned. */
  region?: string;
  /** Seconds, for `Retry-After`. */
  retryAfterSeconds?: number;
}

/** Writes a Key Vault style error, `{"error":{"code","message"}}`, unless the response has begun. */
export function sendGatewayError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: ReplyHeaders,
): void {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify({ error: { code, message } });
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-cache',
    'x-ms-request-id': randomUUID(),
    // The gateway answers one request per connection it terminates: the next one is routed anew.
    connection: 'close',
    'x-vaultover-mode': headers.mode,
    ...(headers.region ? { 'x-ms-keyvault-region': headers.region } : {}),
    ...(headers.retryAfterSeconds !== undefined ? { 'retry-after': String(headers.retryAfterSeconds) } : {}),
  });
  res.end(body);
}
