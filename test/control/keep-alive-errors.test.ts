import { type Gateway, startGateway } from '@vaultover/control';
import { seededRandom } from '@vaultover/foundation';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, rawRequest } from '../support/clients.ts';
import { startTestRegion, type TestRegion } from '../support/region.ts';
import { adminToken, MIX_KINDS, type MixedOutcome, requestMix, sendMix } from '../support/request-mix.ts';
import { FakeRouteSource } from './fake-route-source.ts';

// Issue 13, defects 2 and 5: valid and invalid requests mixed on keep-alive connections (a node:http
// Agent, 8 in flight), straight to a region and through the global endpoint. No connection may die under
// a request (ECONNRESET, "socket hang up"), and every error is in the Key Vault format with the status
// the kind of request calls for. External Redis: database 3 (shared), secret names `mix-*`.

const REGION = 'westeurope';
/** Requests per run: a few seconds on a busy 2-core machine. */
const REQUESTS = 400;

let region: TestRegion;
let gateway: Gateway;

beforeAll(async () => {
  region = await startTestRegion({ externalDb: 3, region: REGION });
  const source = FakeRouteSource.forwarding(REGION, region.url);
  gateway = await startGateway({ dataDir: region.dataDir, routeSource: source });
  const put = await rawRequest(region, {
    method: 'PUT',
    path: `/secrets/mix-existing?${API}`,
    principal: 'admin',
    body: { value: 'x' },
  });
  expect(put.status).toBe(200);
});

afterAll(async () => {
  await gateway?.close();
  await region?.close();
});

/** The status and error code each kind of request of the mix gets (undefined code: a success). */
const EXPECTED: Record<string, { status: number; code?: string }> = {
  get: { status: 200 },
  put: { status: 200 },
  'get-missing': { status: 404, code: 'SecretNotFound' },
  'no-api-version': { status: 400, code: 'BadParameter' },
  'unauthenticated-put': { status: 401, code: 'Unauthorized' },
  'bad-json': { status: 400, code: 'BadParameter' },
  'too-large': { status: 413, code: 'RequestEntityTooLarge' },
  'too-large-chunked': { status: 413, code: 'RequestEntityTooLarge' },
  'large-header': { status: 400, code: 'BadRequest' },
  'long-url': { status: 400, code: 'BadRequest' },
  // Five bytes of the body are the request's ('{"val': not JSON); the bytes after them cannot be parsed as
  // a request: the connection is closed after the answer, with `Connection: close`.
  'short-content-length': { status: 400, code: 'BadParameter' },
  'text-plain': { status: 415, code: 'UnsupportedMediaType' },
  'unknown-path': { status: 404, code: 'NotFound' },
  'bad-percent': { status: 400, code: 'BadParameter' },
  'wrong-method': { status: 405, code: 'MethodNotAllowed' },
};

function tally(outcomes: readonly MixedOutcome[]): Record<string, Record<string, number>> {
  const byKind: Record<string, Record<string, number>> = {};
  for (const outcome of outcomes) {
    let key: string;
    if ('error' in outcome) key = `connection error ${outcome.error}`;
    else {
      const code = outcome.status >= 400 ? errorCode(outcome.text) : undefined;
      key = code ? `${outcome.status} ${code}` : String(outcome.status);
    }
    const kind = byKind[outcome.kind] ?? {};
    kind[key] = (kind[key] ?? 0) + 1;
    byKind[outcome.kind] = kind;
  }
  return byKind;
}

/** The code of a Key Vault error envelope, or a note of what the body was instead. */
function errorCode(text: string): string {
  try {
    const error = (JSON.parse(text) as { error?: { code?: unknown; message?: unknown } }).error;
    if (typeof error?.code === 'string' && typeof error.message === 'string' && error.message)
      return error.code;
    return 'not the error envelope';
  } catch {
    return text === '' ? 'empty body' : 'not JSON';
  }
}

describe('error answers on keep-alive connections', () => {
  it('the mix covers every kind of request, each expected', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...MIX_KINDS].sort());
  });

  for (const via of ['region', 'global endpoint'] as const) {
    it(`no connection dies and every error is in the service's format (${via})`, async () => {
      const requests = requestMix(seededRandom(13), await adminToken(region), REQUESTS);
      const port = via === 'region' ? region.port : gateway.port;
      const byKind = tally(await sendMix(region, port, requests, 8));
      const expected = Object.fromEntries(
        Object.entries(byKind).map(([kind, counts]) => {
          const want = EXPECTED[kind] as { status: number; code?: string };
          const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
          return [kind, { [want.code ? `${want.status} ${want.code}` : String(want.status)]: total }];
        }),
      );
      expect(byKind).toEqual(expected);
    }, 120_000);
  }
});
