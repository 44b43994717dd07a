import { request } from 'node:https';

/** One HTTPS request with a bearer token, trusting `ca`; resolves with the status and the body text. */
export function bearerCall(
  method: 'GET' | 'POST',
  url: string,
  ca: string,
  token: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { method, ca, headers: { authorization: `Bearer ${token}` } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}
