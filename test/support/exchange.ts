import type { IncomingHttpHeaders } from 'node:http';
import https from 'node:https';

/** A request written as it is: method, path and query, headers and body bytes, nothing re-encoded. */
export interface RawExchange {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string | number>;
  /** Bytes written after the headers (possibly more than a Content-Length announces). */
  readonly body?: Buffer | undefined;
  /** Written in several chunks (`Transfer-Encoding: chunked`) rather than with a Content-Length. */
  readonly chunked?: boolean | undefined;
  /** Host name to connect to (resolved by the agent's lookup); default `localhost`. */
  readonly hostname?: string | undefined;
  /** Name the certificate is checked against when a custom Host header would otherwise be. */
  readonly servername?: string | undefined;
}

/** What came back: the answer, or the error of a connection that died under the request (or no answer). */
export type ExchangeOutcome =
  | { readonly status: number; readonly headers: IncomingHttpHeaders; readonly body: Buffer }
  | { readonly error: string };

/**
 * Sends `request` on `agent` (keep-alive or not) to `port` and reads the whole answer. An event stream
 * (`text/event-stream`) is not read to its end, which it has none: its status and headers are the answer.
 * Without an answer within `timeoutMs` the request is destroyed and the outcome is the error `no answer`.
 */
export function exchange(
  agent: https.Agent,
  port: number,
  request: RawExchange,
  timeoutMs = 30_000,
): Promise<ExchangeOutcome> {
  return new Promise((resolve) => {
    const req = https.request(
      {
        agent,
        hostname: request.hostname ?? 'localhost',
        port,
        method: request.method,
        path: request.path,
        headers: request.headers,
        ...(request.servername ? { servername: request.servername } : {}),
      },
      (res) => {
        if (String(res.headers['content-type']).startsWith('text/event-stream')) {
          res.destroy();
          return resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.alloc(0) });
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error('no answer')));
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    if (request.body && request.chunked) {
      for (let offset = 0; offset < request.body.length; offset += 64 * 1024)
        req.write(request.body.subarray(offset, offset + 64 * 1024));
      req.end();
    } else req.end(request.body);
  });
}
