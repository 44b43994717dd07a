import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the server serves: a prom-client Registry, seen only through what it needs. */
export interface MetricsSource {
  readonly contentType: string;
  metrics(): Promise<string>;
}

/** A running `/metrics` endpoint. */
export interface MetricsServer {
  /** `127.0.0.1:PORT`, as a Prometheus target names it. */
  readonly address: string;
  /** `http://127.0.0.1:PORT/metrics`. */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` (Prometheus text, no token: metrics carry no secret) over plain HTTP on
 * 127.0.0.1, on a free port; anything else is a 404 or a 405 in the service's JSON error shape.
 */
export async function startMetricsServer(source: MetricsSource): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://load').pathname;
    const refuse = (status: number, code: string, message: string) =>
      response
        .writeHead(status, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { code, message } }));
    if (path !== '/metrics') return refuse(404, 'NotFound', `no route ${path}: the metrics are at /metrics`);
    if (request.method !== 'GET') return refuse(405, 'MethodNotAllowed', 'use GET /metrics');
    source.metrics().then(
      (text) => response.writeHead(200, { 'content-type': source.contentType }).end(text),
      () => refuse(500, 'InternalError', 'the metrics could not be collected'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    address,
    url: `http://${address}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
