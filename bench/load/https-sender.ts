import { Agent, request } from 'node:https';
import type { LoadSpec } from './load-spec.ts';

/** One response: its status, and the start of its body when it is not a success. */
export interface Outcome {
  status: number;
  errorBody?: string;
}

/** Sends requests of one LoadSpec; `send` resolves once the whole response has arrived. */
export interface HttpsSender {
  send(body: string | undefined): Promise<Outcome>;
  close(): void;
}

/**
 * node:https with a keep-alive Agent holding one socket per worker, as SDK clients use. Measured
 * side by side on the 2-core bench machine, it cost the client about as much CPU per request as a
 * hand-written client writing pre-serialized requests to raw TLS sockets, and as autocannon: a
 * dependency would not buy a lighter client.
 */
export function createHttpsSender(spec: LoadSpec): HttpsSender {
  const agent = new Agent({ keepAlive: true, maxSockets: spec.connections, ca: spec.caPem });
  const fixed = { agent, host: spec.host, port: spec.port, servername: spec.servername, method: spec.method };
  const baseHeaders = { ...spec.headers, host: `${spec.servername}:${spec.port}` };
  const send = (body: string | undefined) => {
    // A declared length, as SDK clients send, rather than chunked encoding.
    const headers =
      body === undefined
        ? baseHeaders
        : { ...baseHeaders, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    return new Promise<Outcome>((resolve, reject) => {
      const req = request({ ...fixed, path: spec.path, headers }, (res) => {
        const status = res.statusCode ?? 0;
        const failed = status < 200 || status >= 300;
        let errorBody = '';
        res.on('data', (chunk: Buffer) => {
          if (failed && errorBody.length < 300) errorBody += chunk.toString('utf8');
        });
        res.on('end', () => resolve(failed ? { status, errorBody } : { status }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  };
  return { send, close: () => agent.destroy() };
}
