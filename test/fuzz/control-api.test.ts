import { readFile } from 'node:fs/promises';
import https from 'node:https';
import { join } from 'node:path';
import { DEFAULT_PRINCIPALS, VaultoverCredential } from '@vaultover/auth';
import { type ControlProcess, startControl } from '@vaultover/control';
import { startTestRedis, type TestRedis, tempDir } from '@vaultover/testkit';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { type ExchangeOutcome, exchange } from '../support/exchange.ts';
import {
  type ControlCaller,
  type ControlRequest,
  controlRequest,
  FIRST_RULE,
  LAST_RULE,
} from './arbitraries/control-requests.ts';
import { FUZZ_REGIONS } from './arbitraries/fault-rules.ts';
import { type Answer, described, expectAnswered, expectKeyVaultError } from './support/answers.ts';
import { propertyTest } from './support/property-test.ts';

// The control API under fuzzing (docs/reliability.md#fuzzing): a control process on its own control Redis,
// real HTTPS on one keep-alive connection, administrator tokens and others. Its regions are not running
// (nothing listens at their URLs) and it supervises no process: what fails over or injects a fault is
// refused the documented way. For every request: an answer, no 5xx but the documented ones, every error
// in the Key Vault envelope (toxiproxy's under /api/links, once the caller is let in), and, when refused,
// the control state as before: the fault rules, the client link's proxy and toxics, the failover state.
// After each case `GET /api/status` still answers.

const ANSWER_TIMEOUT_MS = 15_000;
/**
 * The server errors docs/control-api.md gives for this deployment: a region fault that needs a supervisor
 * is 503 from a control process started alone, and a health fault of a region that does not answer is 502.
 */
const DOCUMENTED_SERVER_ERRORS: readonly [status: number, code: string, path: RegExp][] = [
  [
    503,
    'ServiceUnavailable',
    /^\/api\/regions\/(westeurope|northeurope)\/(crash|restart|redis\/stop|redis\/start)$/,
  ],
  [502, 'BadGateway', /^\/api\/regions\/(westeurope|northeurope)\/health\/(fail|ok)$/],
];

function documentedServerError(method: string, path: string, answer: Answer): boolean {
  if (answer.status < 500 || method !== 'POST') return false;
  const code = (JSON.parse(answer.body.toString('utf8') || 'null') as { error?: { code?: unknown } } | null)
    ?.error?.code;
  return DOCUMENTED_SERVER_ERRORS.some(
    ([status, documented, route]) => answer.status === status && code === documented && route.test(path),
  );
}

let redis: TestRedis;
let dir: { path: string; remove: () => Promise<void> };
let control: ControlProcess;
let port: number;
let agent: https.Agent;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  redis = await startTestRedis('control');
  dir = await tempDir('vaultover-control-fuzz-');
  control = await startControl({
    controlRedisUrl: redis.url,
    // Nothing listens there.
    regions: [
      { name: FUZZ_REGIONS[0], role: 'primary', url: 'https://localhost:1' },
      { name: FUZZ_REGIONS[1], role: 'secondary', url: 'https://localhost:2' },
    ],
    dataDir: dir.path,
    principals: DEFAULT_PRINCIPALS,
    // No verdict ever, and windows that never end: the failover state moves only when the API moves it.
    monitor: { probeIntervalMs: 1e9, failureThreshold: 1000 },
    failover: { failoverWindowMs: 1e9, failbackWindowMs: 1e9 },
    logger: pino({ level: 'silent' }),
  });
  port = Number(new URL(control.url).port);
  const ca = await readFile(join(dir.path, 'tls', 'ca.pem'), 'utf8');
  agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca });
  for (const principal of ['admin', 'reader']) {
    const credential = new VaultoverCredential({ principal, dataDir: dir.path });
    tokens[principal] = (await credential.getToken('https://vault.azure.net/.default')).token;
  }
}, 60_000);

afterAll(async () => {
  agent?.destroy();
  await control?.close();
  await redis?.stop();
  await dir?.remove();
});

const admin = () => ({ authorization: `Bearer ${tokens.admin}` });

const CALLER_HEADERS: Record<ControlCaller, () => Record<string, string>> = {
  admin,
  reader: () => ({ authorization: `Bearer ${tokens.reader}` }),
  none: () => ({}),
  forged: () => ({ authorization: `Bearer ${Buffer.from('{"alg":"none"}').toString('base64url')}.e30.` }),
  cookie: () => ({ cookie: '__Host-vaultover-session=forged' }),
  'cookie-and-admin': () => ({ ...admin(), cookie: '__Host-vaultover-session=forged' }),
};

async function call(method: string, path: string): Promise<Answer> {
  const outcome = await exchange(agent, port, { method, path, headers: admin() }, ANSWER_TIMEOUT_MS);
  const answer = expectAnswered(outcome, described(method, path, outcome));
  expect(answer.status, described(method, path, outcome)).toBe(200);
  return answer;
}

const json = (answer: Answer) => JSON.parse(answer.body.toString('utf8')) as unknown;

/** The ids of the stored rules, oldest first. */
async function ruleIds(): Promise<string[]> {
  return ((json(await call('GET', '/api/faults')) as { value: { id: string }[] }).value ?? []).map(
    (r) => r.id,
  );
}

/**
 * What a refused request must leave as it was: the rules as stored (not their live hits and state), the
 * client link's proxy with its toxics, and the failover state.
 */
async function controlState(): Promise<string> {
  const rules = (json(await call('GET', '/api/faults')) as { value: Record<string, unknown>[] }).value.map(
    ({ hits: _hits, state: _state, ...rule }) => rule,
  );
  const { state, epoch, paused } = json(await call('GET', '/api/status')) as Record<string, unknown>;
  const links = json(await call('GET', '/api/links/proxies'));
  return JSON.stringify({ rules, links, failover: { state, epoch, paused } });
}

/** toxiproxy's error body, `{"error": "...", "status": N}`, with the answer's status. */
function expectToxiproxyError(answer: Answer, what: string): void {
  expect(answer.headers['content-type'], what).toMatch(/^application\/json/);
  expect(JSON.parse(answer.body.toString('utf8')), what).toEqual({
    error: expect.stringMatching(/\S/),
    status: answer.status,
  });
}

async function sendChecked(request: ControlRequest, before: string): Promise<string> {
  const ids = await ruleIds();
  const path = request.path
    .replace(FIRST_RULE, ids[0] ?? 'none0first')
    .replace(LAST_RULE, ids.at(-1) ?? 'none00last');
  const outcome: ExchangeOutcome = await exchange(
    agent,
    port,
    {
      method: request.method,
      path,
      headers: { ...request.headers, ...CALLER_HEADERS[request.caller]() },
      body: request.body,
    },
    ANSWER_TIMEOUT_MS,
  );
  const what = described(request.method, path, outcome);
  expect('error' in outcome ? outcome.error : undefined, what).toBeUndefined();
  const answer = outcome as Answer;
  if (!documentedServerError(request.method, path, answer)) expectAnswered(outcome, what);
  const after = await controlState();
  if (answer.status >= 400) {
    // What the links' own handler refuses is in toxiproxy's shape; what the parser, the authentication
    // or the control API refuse before it, in the Key Vault's.
    const toxiproxy =
      /^\/api\/links(\/|$|\?)/.test(path) &&
      typeof (JSON.parse(answer.body.toString('utf8') || 'null') as { error?: unknown } | null)?.error ===
        'string';
    if (request.method !== 'HEAD') {
      if (toxiproxy) expectToxiproxyError(answer, what);
      else expectKeyVaultError(answer, what);
    }
    expect(after, `${what}: a refused request changed the control state`).toBe(before);
  }
  return after;
}

describe('the control API under fuzzing', () => {
  propertyTest(
    'no 5xx but the documented ones, errors in the Key Vault format, nothing changed by a refusal',
    { defaultRuns: 250, msPerRun: 1000 },
    () =>
      fc.asyncProperty(fc.array(controlRequest, { minLength: 1, maxLength: 4 }), async (sequence) => {
        let state = await controlState();
        for (const request of sequence) state = await sendChecked(request, state);
      }),
  );
});
