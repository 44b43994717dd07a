import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:https';

/** Where and how to send one setup request. */
export interface OnceRequest {
  port: number;
  caPem: string;
  method: 'GET' | 'PUT' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: unknown;
}

/** One HTTPS request on a fresh connection, for setup and sanity checks outside the measured load. */
export function httpsOnce(
  options: OnceRequest,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string | number> = { ...options.headers, host: `localhost:${options.port}` };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = Buffer.byteLength(body);
  }
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: options.port,
        servername: 'localhost',
        ca: options.caPem,
        method: options.method,
        path: options.path,
        headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends the request and throws, with the server's answer, unless it succeeds. */
export async function expectSuccess(what: string, options: OnceRequest): Promise<string> {
  const { status, body } = await httpsOnce(options);
  if (status < 200 || status >= 300) throw new Error(`${what}: HTTP ${status} ${body.slice(0, 500)}`);
  return body;
}
