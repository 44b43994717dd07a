import type { IncomingHttpHeaders } from 'node:http';
import { httpsJson } from '@vaultover/foundation';

/**
 * One HTTPS request with a bearer token, trusting `ca`, and a JSON body when `body` is given; resolves
 * with the status, the response headers and the body text.
 */
export async function bearerCall(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  ca: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  const reply = await httpsJson({ method, url, ca, token, body });
  return { status: reply.status, headers: reply.headers, body: reply.text };
}
