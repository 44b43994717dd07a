import type { IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import { credentialFor, loopbackLookup, rawRequest } from './clients.ts';
import type { TestRegion } from './region.ts';

// Helpers of the fault-rule tests (docs/chaos.md), for a region node reached directly or through the
// global endpoint: both are TestRegion-shaped.

/** Fast SDK retries: the default policy (3 retries, exponential), with a 10 ms base delay. */
export const FAST_RETRIES = { retryOptions: { retryDelayInMs: 10 } };

/**
 * The value of the first sample of `name` on the node's `/metrics` whose labels contain every one of
 * `labels` (each `key="value"`); 0 when there is none. The node must be reached directly: the global
 * endpoint relays every path to the vault.
 */
export async function regionMetric(region: TestRegion, name: string, ...labels: string[]): Promise<number> {
  const text = (await rawRequest(region, { path: '/metrics' })).text;
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) && labels.every((label) => l.includes(label)));
  return line ? Number(line.split(' ').pop()) : 0;
}

/** A response whose body may have been cut short (drop-body). */
export interface PartialResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** How many body bytes arrived. */
  received: number;
  /** What ended the body: undefined for a clean end. */
  error: Error | undefined;
}

/** A GET of `path` on the default vault of `region` as `principal`, reading as much of the body as comes. */
export async function partialResponse(
  region: TestRegion,
  path: string,
  principal = 'officer',
): Promise<PartialResponse> {
  const token = (await credentialFor(region, principal).getToken('https://vault.azure.net/.default')).token;
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: 'localhost',
        port: region.port,
        path,
        ca: region.ca,
        lookup: loopbackLookup,
        agent: false,
        headers: { authorization: `Bearer ${token}` },
      },
      (res) => {
        let received = 0;
        const done = (error: Error | undefined) =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, received, error });
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
        });
        res.on('error', (error) => done(error));
        res.on('aborted', () => done(new Error('aborted')));
        res.on('end', () => done(undefined));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
