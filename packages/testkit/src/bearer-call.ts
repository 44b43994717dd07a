import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:https';

/**
 * One HTTPS request with a bearer token, trusting `ca`, and a JSON body when `body` is given; resolves
 * with the status, the response headers and the body text.
 */
export function bearerCall(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  ca: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers = {
    authorization: `Bearer ${token}`,
    ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
  };
  return new Promise((resolve, reject) => {
    request(url, { method, ca, headers }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    })
      .on('error', reject)
      .end(payload);
  });
}
