import https from 'node:https';
import type { Random } from '@vaultover/foundation';
import { API, credentialFor, loopbackLookup } from './clients.ts';
import { exchange, type RawExchange } from './exchange.ts';
import type { TestRegion } from './region.ts';

/** One request of a mix: what it is, and how to send it on a given agent. */
export interface MixedRequest extends RawExchange {
  readonly kind: string;
}

/** What came back: a status and body, or the error of a connection that died under the request. */
export type MixedOutcome =
  | { readonly kind: string; readonly status: number; readonly text: string }
  | { readonly kind: string; readonly error: string };

type Maker = (random: Random, token: string, index: number) => Omit<MixedRequest, 'kind'>;

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const jsonHeaders = (token: string, body: Buffer) => ({
  ...auth(token),
  'content-type': 'application/json',
  'content-length': body.length,
});

/**
 * Requests valid and invalid, as a client (or a fuzzer) might send them on a keep-alive connection:
 * every kind of answer a region gives before, while or after reading a body, and every kind of request
 * its HTTP parser refuses.
 */
const MAKERS: Record<string, Maker> = {
  get: (_r, token) => ({ method: 'GET', path: `/secrets/mix-existing/?${API}`, headers: auth(token) }),
  put: (r, token) => {
    const body = json({ value: `v${Math.floor(r() * 1e6)}` });
    return { method: 'PUT', path: `/secrets/mix-put?${API}`, headers: jsonHeaders(token, body), body };
  },
  'get-missing': (_r, token) => ({
    method: 'GET',
    path: `/secrets/mix-missing/?${API}`,
    headers: auth(token),
  }),
  'no-api-version': (_r, token) => {
    const body = json({ value: 'x' });
    return { method: 'PUT', path: '/secrets/mix-put', headers: jsonHeaders(token, body), body };
  },
  'unauthenticated-put': () => {
    const body = Buffer.alloc(8 * 1024, 'a');
    return {
      method: 'PUT',
      path: `/secrets/mix-put?${API}`,
      headers: { 'content-type': 'application/json', 'content-length': body.length },
      body,
    };
  },
  'bad-json': (_r, token) => {
    const body = Buffer.from('{"value": ');
    return { method: 'PUT', path: `/secrets/mix-put?${API}`, headers: jsonHeaders(token, body), body };
  },
  'too-large': (_r, token) => {
    const body = Buffer.alloc(1024 * 1024 + 10, 'a');
    return { method: 'PUT', path: `/secrets/mix-put?${API}`, headers: jsonHeaders(token, body), body };
  },
  'too-large-chunked': (_r, token) => ({
    method: 'PUT',
    path: `/secrets/mix-put?${API}`,
    headers: { ...auth(token), 'content-type': 'application/json' },
    body: Buffer.alloc(1024 * 1024 + 10, 'a'),
    chunked: true,
  }),
  'large-header': (_r, token) => ({
    method: 'GET',
    path: `/secrets/mix-existing/?${API}`,
    headers: { ...auth(token), 'x-padding': 'p'.repeat(60 * 1024) },
  }),
  'long-url': (_r, token) => ({
    method: 'GET',
    path: `/secrets/mix-existing/?${API}&pad=${'q'.repeat(20 * 1024)}`,
    headers: auth(token),
  }),
  'short-content-length': (_r, token) => {
    const body = json({ value: 'longer than announced' });
    return {
      method: 'PUT',
      path: `/secrets/mix-put?${API}`,
      headers: { ...jsonHeaders(token, body), 'content-length': 5 },
      body,
    };
  },
  'text-plain': (_r, token) => {
    const body = json({ value: 'x' });
    return {
      method: 'PUT',
      path: `/secrets/mix-put?${API}`,
      headers: { ...jsonHeaders(token, body), 'content-type': 'text/plain' },
      body,
    };
  },
  'unknown-path': (_r, token) => ({ method: 'GET', path: `/nothing/here?${API}`, headers: auth(token) }),
  'bad-percent': (_r, token) => ({ method: 'GET', path: `/secrets/%ZZ/?${API}`, headers: auth(token) }),
  'wrong-method': (_r, token) => {
    const body = json({ value: 'x' });
    return { method: 'POST', path: `/secrets/mix-put?${API}`, headers: jsonHeaders(token, body), body };
  },
};

/** Every kind of request the mix draws from. */
export const MIX_KINDS = Object.keys(MAKERS);

/**
 * `count` requests drawn from `random`: half of them valid (gets and puts), the rest spread over the
 * invalid kinds, so that every connection of a keep-alive pool sees invalid requests between valid ones.
 */
export function requestMix(random: Random, token: string, count: number): MixedRequest[] {
  const invalid = MIX_KINDS.filter((kind) => kind !== 'get' && kind !== 'put');
  return Array.from({ length: count }, (_, index) => {
    const draw = random();
    const kind =
      draw < 0.5
        ? draw < 0.25
          ? 'get'
          : 'put'
        : (invalid[Math.floor(((draw - 0.5) / 0.5) * invalid.length)] as string);
    return { kind, ...(MAKERS[kind] as Maker)(random, token, index) };
  });
}

/** The admin's bearer token for the region (the mix's requests carry it as they are). */
export async function adminToken(region: TestRegion): Promise<string> {
  return (await credentialFor(region, 'admin').getToken('https://vault.azure.net/.default')).token;
}

/**
 * Sends `requests` through one keep-alive agent (at most `inFlight` sockets, each reused), `inFlight`
 * at a time, and returns every outcome in order. `port` is the region's or the gateway's.
 */
export async function sendMix(
  region: TestRegion,
  port: number,
  requests: readonly MixedRequest[],
  inFlight: number,
): Promise<MixedOutcome[]> {
  const agent = new https.Agent({
    keepAlive: true,
    maxSockets: inFlight,
    ca: region.ca,
    lookup: loopbackLookup,
  });
  const outcomes: MixedOutcome[] = new Array(requests.length);
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const index = next++;
      outcomes[index] = await sendOne(agent, port, requests[index] as MixedRequest);
    }
  };
  try {
    await Promise.all(Array.from({ length: inFlight }, worker));
  } finally {
    agent.destroy();
  }
  return outcomes;
}

async function sendOne(agent: https.Agent, port: number, request: MixedRequest): Promise<MixedOutcome> {
  const outcome = await exchange(agent, port, request);
  if ('error' in outcome) return { kind: request.kind, error: outcome.error };
  return { kind: request.kind, status: outcome.status, text: outcome.body.toString() };
}
