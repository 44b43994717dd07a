import { generateKeyPairSync } from 'node:crypto';
import https from 'node:https';
import { LATEST_API_VERSION } from '@vaultover/region';
import { vaultDigest } from '@vaultover/replication';
import { logKeys } from '@vaultover/vault';
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { opensslCertificate } from '../support/certificate-files.ts';
import { credentialFor, loopbackLookup } from '../support/clients.ts';
import { exchange, type RawExchange } from '../support/exchange.ts';
import { startTestRegion, type TestRegion } from '../support/region.ts';
import type { ImportMaterial } from './arbitraries/data-plane-bodies.ts';
import {
  anyDataPlanePath,
  type Caller,
  CERTIFICATE_ROUTES,
  type DataPlaneRequest,
  dataPlaneRequest,
  headSafe,
  KEY_ROUTES,
  type NamePool,
  type Route,
  SECRET_ROUTES,
} from './arbitraries/data-plane-requests.ts';
import { described, expectAnswered, expectKeyVaultError } from './support/answers.ts';
import { propertyTest } from './support/property-test.ts';

// The data plane of a region node under fuzzing (docs/reliability.md#fuzzing): real HTTPS on one
// keep-alive connection, real Redis. Each case is a few requests (names from a small pool, so that they
// meet); for every request: an answer (no reset, no silence), no 5xx, every error in the Key Vault
// envelope, and, when refused, the vault's state exactly as before. After each case a plain read must
// still work.
//
// "As before" is checked per refused request, not per case: the vault's digest (replication's, the one
// regions compare: every state key and its content) with its change position and log length is taken
// after every request, which costs one SCAN and two pipelines on a vault of a few dozen keys: a few
// milliseconds, less than the request.
//
// The node serves one vault, `fuzzvault`, as its default vault: under VAULTOVER_REDIS=external its
// database (3) is shared with other files, which never touch that vault, and a Host header naming
// another vault finds none here.

const VAULT = 'fuzzvault';
/** A request that got no answer in this time fails the property rather than the test's timeout. */
const ANSWER_TIMEOUT_MS = 15_000;

let region: TestRegion;
let redis: Redis;
let agent: https.Agent;
let material: ImportMaterial;
const tokens: Partial<Record<Caller, string>> = {};

beforeAll(async () => {
  region = await startTestRegion({
    externalDb: 3,
    node: { vaults: [{ name: VAULT }], defaultVault: VAULT },
  });
  redis = region.redis.client();
  // One connection, kept alive: an answer that leaves it unusable shows as the next request's error.
  agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: region.ca, lookup: loopbackLookup });
  for (const principal of ['admin', 'reader'] as const)
    tokens[principal] = (
      await credentialFor(region, principal).getToken('https://vault.azure.net/.default')
    ).token;
  const made = opensslCertificate(
    '/CN=fuzz-import',
    ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'],
    'fuzz',
  );
  material = {
    jwk: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }),
    pem: made.pem,
    pfx: made.pfx.toString('base64'),
    pfxPassword: 'fuzz',
  };
}, 60_000);

afterAll(async () => {
  agent?.destroy();
  await region?.close();
});

/** The vault's whole state: its digest, its change position and the length of its change log. */
async function stateDigest(): Promise<string> {
  const { position, stream } = logKeys(VAULT);
  const [digest, pos, length] = await Promise.all([
    vaultDigest(redis, VAULT),
    redis.get(position),
    redis.xlen(stream),
  ]);
  return `${digest} at ${pos ?? 0}, ${length} entries`;
}

const AUTHORIZATION: Record<Caller, () => string | undefined> = {
  admin: () => `Bearer ${tokens.admin}`,
  reader: () => `Bearer ${tokens.reader}`,
  none: () => undefined,
  forged: () => `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.e30.`,
  basic: () => `Basic ${Buffer.from('admin:admin').toString('base64')}`,
  'empty-bearer': () => 'Bearer ',
};

function wire(request: DataPlaneRequest): RawExchange {
  const authorization = AUTHORIZATION[request.caller]();
  const headers: Record<string, string | number> = {
    ...request.headers,
    ...(authorization ? { authorization } : {}),
    ...(request.host === undefined ? {} : { host: request.host }),
  };
  const body = request.body;
  if (body && request.framing === 'length') headers['content-length'] = body.length;
  if (body && request.framing === 'short') headers['content-length'] = Math.floor(body.length / 2);
  return {
    method: request.method,
    path: request.path,
    headers,
    body,
    chunked: request.framing === 'chunked',
    // A Host header of its own must not decide which certificate name is checked.
    ...(request.host === undefined ? {} : { servername: 'localhost' }),
  };
}

/** Sends one request and checks it against the state before it; resolves with the state after it. */
async function sendChecked(request: DataPlaneRequest, before: string): Promise<string> {
  const outcome = await exchange(agent, region.port, wire(request), ANSWER_TIMEOUT_MS);
  const what = described(request.method, request.path, outcome);
  const answer = expectAnswered(outcome, what);
  const after = await stateDigest();
  if (answer.status >= 400) {
    if (request.method !== 'HEAD') expectKeyVaultError(answer, what);
    expect(after, `${what}: a refused request changed the vault`).toBe(before);
  }
  return after;
}

/** A plain read still answers: the node survived the case. */
async function expectServing(): Promise<void> {
  const outcome = await exchange(agent, region.port, {
    method: 'GET',
    path: `/secrets?api-version=${LATEST_API_VERSION}&maxresults=1`,
    headers: { authorization: `Bearer ${tokens.admin}` },
  });
  expect(expectAnswered(outcome, described('GET', '/secrets', outcome)).status).toBe(200);
}

/** One property over cases of 1 to 4 requests from `requests` (made once the import material exists). */
function fuzz(name: string, requests: () => fc.Arbitrary<DataPlaneRequest>, defaultRuns: number): void {
  propertyTest(name, { defaultRuns, msPerRun: 1000 }, () =>
    fc.asyncProperty(fc.array(requests(), { minLength: 1, maxLength: 4 }), async (sequence) => {
      let state = await stateDigest();
      for (const request of sequence) state = await sendChecked(request, state);
      await expectServing();
    }),
  );
}

const requestsTo = (routes: readonly Route[], pool: NamePool) => () =>
  dataPlaneRequest(routes, pool, material);

describe('the data plane under fuzzing', () => {
  fuzz(
    'secrets: no 5xx, errors in the Key Vault format, nothing written by a refusal',
    requestsTo(SECRET_ROUTES, 'secrets'),
    120,
  );
  fuzz('keys and their cryptography: the same', requestsTo(KEY_ROUTES, 'keys'), 120);
  fuzz('certificates: the same', requestsTo(CERTIFICATE_ROUTES, 'certificates'), 90);
  fuzz(
    'any path and method: the same',
    () =>
      fc
        .tuple(
          dataPlaneRequest([['GET', () => '/']], 'secrets', material),
          anyDataPlanePath,
          fc.constantFrom('GET', 'PUT', 'POST', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'FOO'),
        )
        .map(([request, path, method]) => ({
          ...request,
          path,
          method,
          headers: headSafe(method, request.headers),
        })),
    90,
  );
});
