import { createHash } from 'node:crypto';
import tls from 'node:tls';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { FAULT_HEADER, FAULT_KEYS, THROTTLED_BODY } from '@vaultover/contract';
import { eventually } from '@vaultover/testkit';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { API, credentialFor, rawRequest, secretClient } from '../support/clients.ts';
import { type FailoverStack, PRIMARY, SECONDARY, startFailoverStack } from '../support/failover-stack.ts';
import { FAST_RETRIES, partialResponse, regionMetric } from '../support/faults.ts';
import { cryptographyClient, keyClient } from '../support/key-clients.ts';
import type { TestRegion } from '../support/region.ts';

// Fault rules (docs/chaos.md) as an application meets them: rules added through the control API with an
// administrator's token, requests sent to the global endpoint (the gateway relays each connection to the
// serving region, which evaluates the rules), the real SecretClient, KeyClient and CryptographyClient with
// their default retry policy (only its base delay shortened). Each test checks what the SDK makes of an
// action or a schedule field, and counts the attempts on the server: the rule's `hits`, the serving
// region's `vaultover_faults_injected_total`, and for `perRequest` the attempts the control Redis counted
// under the call's `x-ms-client-request-id`. What a region does action by action, reached directly, is
// test/region/fault-rules.test.ts.

const SECRET = 'fgs-read';
const KEY = 'fgs-key';
const GET_SECRET = `/secrets/${SECRET}?${API}`;

let stack: FailoverStack;
let controlRedis: Redis;

beforeAll(async () => {
  stack = await startFailoverStack();
  controlRedis = stack.redis.control.client();
  await secretClient(stack.gateway, 'officer').setSecret(SECRET, 'value');
  await keyClient(stack.gateway, 'officer').createKey(KEY, 'EC');
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

afterEach(removeRules);

const regions = (): TestRegion[] => [stack.primary, stack.secondary];

interface Rule {
  id: string;
  state: 'scheduled' | 'active' | 'expired';
  hits: number;
  schedule: Record<string, number>;
}

const api = (method: string, path: string, body?: unknown) =>
  rawRequest(stack.control, { method, path, principal: 'admin', ...(body === undefined ? {} : { body }) });

/** Removes every rule through the control API; waits until neither region applies any. */
async function removeRules(): Promise<void> {
  expect((await api('DELETE', '/api/faults')).status).toBe(204);
  await eventually(() => {
    for (const region of regions()) expect(region.node.faultRules?.ruleIds).toEqual([]);
  });
}

/** Adds a rule through the control API; waits until both regions apply it. */
async function addRule(body: Record<string, unknown>): Promise<Rule> {
  const reply = await api('POST', '/api/faults', { name: 'sdk', ...body });
  expect(reply.status, reply.text).toBe(201);
  const rule = reply.json as Rule;
  await eventually(() => {
    for (const region of regions()) expect(region.node.faultRules?.ruleIds).toContain(rule.id);
  });
  return rule;
}

/** Adds a rule for the SecretGet operation (see addRule). */
const onSecretGet = (action: Record<string, unknown>, schedule?: Record<string, number>) =>
  addRule({ match: { operations: ['SecretGet'] }, action, ...(schedule ? { schedule } : {}) });

/** The rule as the control API shows it, once the nodes have written the hits they counted alone. */
async function ruleNow(id: string): Promise<Rule> {
  await stack.flushFaultHits();
  const reply = await api('GET', `/api/faults/${id}`);
  expect(reply.status, reply.text).toBe(200);
  return reply.json as Rule;
}

/** The requests a rule hit, as each region's metric counts them. */
async function injected(rule: Rule, action: string): Promise<Record<string, number>> {
  const labels = [`fault="${rule.id}"`, `action="${action}"`];
  return {
    [PRIMARY]: await regionMetric(stack.primary, 'vaultover_faults_injected_total', ...labels),
    [SECONDARY]: await regionMetric(stack.secondary, 'vaultover_faults_injected_total', ...labels),
  };
}

/** The attempts of one logical request that a `perRequest` rule counted, by its x-ms-client-request-id. */
async function attemptsCounted(rule: Rule, requestId: string): Promise<number> {
  return Number(await controlRedis.get(FAULT_KEYS.attempts(rule.id, requestId)));
}

/** One attempt of an SDK call as the client sent it and got it back. */
interface Attempt {
  requestId: string;
  path: string;
  /** The answer's status; undefined when the attempt got no whole answer. */
  status?: number;
  fault?: string;
  region?: string;
  /** The error's code when the attempt failed without a whole answer (a connection error, a cut body). */
  failed?: string;
}

/**
 * Records every attempt an SDK client sends (a `perRetry` policy: each retry, and the challenge's
 * token-less first request, pass through it), so a test sees how the default policy reacted.
 */
function attemptLog() {
  const all: Attempt[] = [];
  const policy: PipelinePolicy = {
    name: 'vaultover-test-attempts',
    async sendRequest(request, next) {
      const attempt: Attempt = {
        requestId: request.headers.get('x-ms-client-request-id') ?? '',
        path: new URL(request.url).pathname,
      };
      all.push(attempt);
      let response: Awaited<ReturnType<typeof next>>;
      try {
        response = await next(request);
      } catch (error) {
        attempt.failed = String((error as { code?: unknown }).code ?? 'no code');
        throw error;
      }
      attempt.status = response.status;
      attempt.fault = response.headers.get(FAULT_HEADER);
      attempt.region = response.headers.get('x-ms-keyvault-region');
      return response;
    },
  };
  /** The authenticated attempts (the 401 challenge is answered before any rule is looked at). */
  const attempts = () => all.filter((attempt) => attempt.status !== 401);
  return {
    options: { ...FAST_RETRIES, additionalPolicies: [{ policy, position: 'perRetry' as const }] },
    attempts,
    /** Each authenticated attempt's status and fault header, or its error's code when it got no answer. */
    outcomes: () =>
      attempts().map(({ status, fault, failed }) =>
        status === undefined ? { failed } : { status, ...(fault === undefined ? {} : { fault }) },
      ),
  };
}

/** An attempt that got no answer: its connection failed (whatever words Node has for it). */
const NO_ANSWER = { failed: expect.any(String) };

/** A SecretClient at the global endpoint with the default retry policy (fast), and its attempts. */
function secrets() {
  const log = attemptLog();
  return { client: secretClient(stack.gateway, 'officer', stack.gateway.url, log.options), ...log };
}

/**
 * Adds a rule that hits SecretGet `times` times with `action`, then gets the secret with the SDK: the
 * call must succeed, no sooner than `atLeastMs`, with the rule's hits spent. Its attempts' outcomes and
 * their distinct x-ms-client-request-ids.
 */
async function getSecretPast(action: Record<string, unknown>, times: number, atLeastMs: number) {
  const rule = await onSecretGet(action, { times });
  const { client, attempts, outcomes } = secrets();
  const started = performance.now();
  expect((await client.getSecret(SECRET)).value).toBe('value');
  expect(performance.now() - started).toBeGreaterThanOrEqual(atLeastMs);
  expect(await ruleNow(rule.id)).toMatchObject({ state: 'expired', hits: times });
  return { rule, outcomes: outcomes(), requestIds: new Set(attempts().map((a) => a.requestId)) };
}

/** `GET` of the secret through the global endpoint, without the SDK: one request, one attempt. */
const rawGet = () => rawRequest(stack.gateway, { path: GET_SECRET, principal: 'officer' });

const UNAVAILABLE = { type: 'error', status: 503, code: 'ServiceUnavailable', message: 'Try again.' };

describe('actions through the global endpoint, with the SDK default retry policy', () => {
  it('error 503 on the first 2 attempts of each call (perRequest): every call succeeds at its third attempt', async () => {
    const rule = await onSecretGet(UNAVAILABLE, { perRequest: 2 });
    const { client, attempts } = secrets();
    // Two calls, one after the other: two logical requests, each failed twice.
    for (let call = 0; call < 2; call++) expect((await client.getSecret(SECRET)).value).toBe('value');

    const [first, second] = [attempts().slice(0, 3), attempts().slice(3)];
    for (const call of [first, second]) {
      // One logical request: the SDK kept its id across the retries, and the serving region answered each.
      expect(call.map(({ status, fault, region }) => ({ status, fault, region }))).toEqual([
        { status: 503, fault: rule.id, region: PRIMARY },
        { status: 503, fault: rule.id, region: PRIMARY },
        { status: 200, region: PRIMARY },
      ]);
      const requestId = call[0]?.requestId ?? '';
      expect(new Set(call.map((attempt) => attempt.requestId))).toEqual(new Set([requestId]));
      expect(await attemptsCounted(rule, requestId)).toBe(3);
    }
    expect(first[0]?.requestId).not.toBe(second[0]?.requestId);
    expect(await ruleNow(rule.id)).toMatchObject({ state: 'active', hits: 4 });
    expect(await injected(rule, 'error')).toEqual({ [PRIMARY]: 4, [SECONDARY]: 0 });
  });

  it('throttle without retryAfter: the 429 is not retried, the call fails at once with Throttled', async () => {
    const rule = await onSecretGet({ type: 'throttle' });
    const { client, attempts } = secrets();
    await expect(client.getSecret(SECRET)).rejects.toMatchObject({ statusCode: 429, code: 'Throttled' });
    expect(attempts()).toEqual([expect.objectContaining({ status: 429, fault: rule.id, region: PRIMARY })]);
    expect(await ruleNow(rule.id)).toMatchObject({ hits: 1 });
    expect(await injected(rule, 'throttle')).toEqual({ [PRIMARY]: 1, [SECONDARY]: 0 });

    const raw = await rawGet();
    expect(raw.status).toBe(429);
    expect(raw.json).toEqual(THROTTLED_BODY);
    expect(raw.headers['retry-after']).toBeUndefined();
  });

  it('throttle with retryAfter: the SDK waits that long, retries, and the call succeeds', async () => {
    const { rule, outcomes } = await getSecretPast({ type: 'throttle', retryAfter: 1 }, 1, 1000);
    expect(outcomes).toEqual([{ status: 429, fault: rule.id }, { status: 200 }]);
    expect(await injected(rule, 'throttle')).toEqual({ [PRIMARY]: 1, [SECONDARY]: 0 });
  });

  it('reset: the attempts get no answer, the SDK retries them, and the call succeeds once `times` is spent', async () => {
    const { rule, outcomes, requestIds } = await getSecretPast({ type: 'reset' }, 2, 0);
    expect(outcomes).toEqual([NO_ANSWER, NO_ANSWER, { status: 200 }]);
    expect(requestIds.size).toBe(1);
    expect(await injected(rule, 'reset')).toEqual({ [PRIMARY]: 2, [SECONDARY]: 0 });

    // Without retries the connection error reaches the application: a RestError with no response.
    const more = await onSecretGet({ type: 'reset' });
    const error = await secretClient(stack.gateway, 'officer')
      .getSecret(SECRET)
      .then(
        () => undefined,
        (failure: unknown) => failure as { name: string; statusCode?: number; response?: unknown },
      );
    expect(error).toMatchObject({ name: 'RestError' });
    expect(error?.statusCode).toBeUndefined();
    expect(error?.response).toBeUndefined();
    expect(await ruleNow(more.id)).toMatchObject({ hits: 1 });
  });

  it('reset reaches the client as a TCP reset, through the global endpoint as when direct', async () => {
    // docs/chaos.md: `reset` — "no answer: the TCP connection is reset (ECONNRESET)". Seen on a bare TLS
    // socket: a reset fails its read with ECONNRESET; a clean close (FIN) ends it instead. (Node's HTTP
    // client cannot tell them apart: it reports a close before the answer as ECONNRESET too.)
    const rule = await onSecretGet({ type: 'reset' });
    expect(await connectionEnd(stack.primary)).toBe('reset');
    expect(await connectionEnd(stack.gateway)).toBe('reset');
    expect(await ruleNow(rule.id)).toMatchObject({ hits: 2 });
  });

  it('hang with maxMs: no answer until maxMs, then the connection closes and the SDK retries', async () => {
    const { rule, outcomes } = await getSecretPast({ type: 'hang', maxMs: 1000 }, 1, 1000);
    expect(outcomes).toEqual([NO_ANSWER, { status: 200 }]);
    expect(await injected(rule, 'hang')).toEqual({ [PRIMARY]: 1, [SECONDARY]: 0 });
  });

  it('drop-body: headers and half the body arrive through the relay; the SDK does not retry, the call fails', async () => {
    const rule = await onSecretGet({ type: 'drop-body' });
    const cut = await partialResponse(stack.gateway, GET_SECRET);
    expect(cut.status).toBe(200);
    expect(cut.headers[FAULT_HEADER]).toBe(rule.id);
    expect(cut.received).toBe(Math.floor(Number(cut.headers['content-length']) / 2));
    expect(cut.error).toBeDefined();

    const { client, outcomes } = secrets();
    await expect(client.getSecret(SECRET)).rejects.toMatchObject({ name: 'RestError', code: 'PARSE_ERROR' });
    // One attempt: the cut body fails it as a parse error, which the policy does not retry.
    expect(outcomes()).toEqual([{ failed: 'PARSE_ERROR' }]);
    expect(await ruleNow(rule.id)).toMatchObject({ hits: 2 });
    expect(await injected(rule, 'drop-body')).toEqual({ [PRIMARY]: 2, [SECONDARY]: 0 });
  });

  it('delay: the answer comes, unchanged, at least `ms` later and names the rule', async () => {
    const rule = await onSecretGet({ type: 'delay', ms: 500 });
    let started = performance.now();
    const raw = await rawGet();
    expect(performance.now() - started).toBeGreaterThanOrEqual(500);
    expect(raw.status).toBe(200);
    expect((raw.json as { value: string }).value).toBe('value');
    expect(raw.headers[FAULT_HEADER]).toBe(rule.id);

    const { client, outcomes } = secrets();
    started = performance.now();
    expect((await client.getSecret(SECRET)).value).toBe('value');
    expect(performance.now() - started).toBeGreaterThanOrEqual(500);
    // Delayed, not failed: nothing to retry.
    expect(outcomes()).toEqual([{ status: 200, fault: rule.id }]);
    expect(await ruleNow(rule.id)).toMatchObject({ hits: 2 });
    expect(await injected(rule, 'delay')).toEqual({ [PRIMARY]: 2, [SECONDARY]: 0 });
  });

  it('a key operation: CryptographyClient.sign through the global endpoint succeeds at its third attempt', async () => {
    const key = await keyClient(stack.gateway, 'officer', stack.gateway.url, FAST_RETRIES).getKey(KEY);
    expect(key.id).toContain(`localhost:${stack.gateway.port}/keys/${KEY}/`);
    const rule = await addRule({
      match: { operations: ['KeySign'] },
      action: UNAVAILABLE,
      schedule: { perRequest: 2 },
    });
    const log = attemptLog();
    const crypto = cryptographyClient(stack.gateway, 'officer', key.id ?? '', log.options);
    const digest = createHash('sha256').update('signed through the gateway').digest();
    const signed = await crypto.sign('ES256', digest);
    expect(signed.result).toHaveLength(64);

    const signs = log.attempts().filter((attempt) => attempt.path.endsWith('/sign'));
    expect(signs.map(({ status, fault }) => ({ status, fault }))).toEqual([
      { status: 503, fault: rule.id },
      { status: 503, fault: rule.id },
      { status: 200 },
    ]);
    expect(await attemptsCounted(rule, signs[0]?.requestId ?? '')).toBe(3);
    expect(await ruleNow(rule.id)).toMatchObject({ hits: 2 });
    expect(await injected(rule, 'error')).toEqual({ [PRIMARY]: 2, [SECONDARY]: 0 });
    // The signature is the key's: the key verifies it.
    expect((await crypto.verify('ES256', digest, signed.result)).result).toBe(true);
  });
});

describe('schedule fields through the global endpoint', () => {
  it('skip: the first 2 matches pass; then every attempt fails and the SDK gives up after its 3 retries', async () => {
    const rule = await onSecretGet(UNAVAILABLE, { skip: 2 });
    const { client, outcomes } = secrets();
    expect((await client.getSecret(SECRET)).value).toBe('value');
    expect((await client.getSecret(SECRET)).value).toBe('value');
    await expect(client.getSecret(SECRET)).rejects.toMatchObject({
      statusCode: 503,
      code: 'ServiceUnavailable',
    });
    const hit = { status: 503, fault: rule.id };
    expect(outcomes()).toEqual([{ status: 200 }, { status: 200 }, hit, hit, hit, hit]);
    expect(await ruleNow(rule.id)).toMatchObject({ state: 'active', hits: 4 });
  });

  it('times: hits that many attempts, then the rule is expired and lets everything through', async () => {
    const rule = await onSecretGet(UNAVAILABLE, { times: 2 });
    const { client, outcomes } = secrets();
    expect((await client.getSecret(SECRET)).value).toBe('value');
    expect((await client.getSecret(SECRET)).value).toBe('value');
    const hit = { status: 503, fault: rule.id };
    expect(outcomes()).toEqual([hit, hit, { status: 200 }, { status: 200 }]);
    expect(await ruleNow(rule.id)).toMatchObject({ state: 'expired', hits: 2 });
    await eventually(async () => expect(await ruleEvents(rule.id)).toContain('expired'));
  });

  it('probability with a seed: the same seed and the same requests give the same hits, the documented draws', async () => {
    const pattern = async (seed: number): Promise<boolean[]> => {
      const rule = await onSecretGet({ type: 'throttle' }, { probability: 0.5, seed });
      expect(rule.schedule.seed).toBe(seed);
      const hits: boolean[] = [];
      for (let i = 0; i < 40; i++) {
        const response = await rawGet();
        const hit = response.headers[FAULT_HEADER] === rule.id;
        expect(response.status).toBe(hit ? 429 : 200);
        hits.push(hit);
      }
      expect(await ruleNow(rule.id)).toMatchObject({ hits: hits.filter(Boolean).length });
      await removeRules();
      return hits;
    };
    const first = await pattern(42);
    const replay = await pattern(42);
    const other = await pattern(43);
    expect(replay).toEqual(first);
    // The n-th match is hit when sha1("<seed>:<n>") falls under the probability (docs/chaos.md).
    expect(first).toEqual(drawn(42, 0.5, 40));
    expect(other).toEqual(drawn(43, 0.5, 40));
    expect(other).not.toEqual(first);
    expect(first).toContain(true);
    expect(first).toContain(false);
  });

  it('startAfterMs: scheduled and untouched until then, then active and retried through', async () => {
    const rule = await onSecretGet(UNAVAILABLE, { startAfterMs: 4000, perRequest: 1 });
    expect(rule.state).toBe('scheduled');
    const early = await rawGet();
    expect(early.status).toBe(200);
    expect(early.headers[FAULT_HEADER]).toBeUndefined();
    // Still scheduled after that request, so it was sent before the start.
    expect(await ruleNow(rule.id)).toMatchObject({ state: 'scheduled', hits: 0 });

    await eventually(async () => expect((await ruleNow(rule.id)).state).toBe('active'), {
      timeoutMs: 20_000,
    });
    const { client, outcomes } = secrets();
    expect((await client.getSecret(SECRET)).value).toBe('value');
    expect(outcomes()).toEqual([{ status: 503, fault: rule.id }, { status: 200 }]);
    expect(await ruleNow(rule.id)).toMatchObject({ state: 'active', hits: 1 });
  });

  it('durationMs: active for that long, then expired and untouched', async () => {
    const rule = await onSecretGet({ type: 'throttle' }, { durationMs: 4000 });
    expect(rule.state).toBe('active');
    const { client, outcomes } = secrets();
    await expect(client.getSecret(SECRET)).rejects.toMatchObject({ statusCode: 429, code: 'Throttled' });

    await eventually(async () => expect((await ruleNow(rule.id)).state).toBe('expired'), {
      timeoutMs: 20_000,
    });
    expect((await client.getSecret(SECRET)).value).toBe('value');
    expect(outcomes()).toEqual([{ status: 429, fault: rule.id }, { status: 200 }]);
    expect(await ruleNow(rule.id)).toMatchObject({ state: 'expired', hits: 1 });
    await eventually(async () => expect(await ruleEvents(rule.id)).toContain('expired'));
  });
});

/** The `change`s the control API's events record for one rule, oldest first. */
async function ruleEvents(id: string): Promise<string[]> {
  const events = await stack.events();
  return events
    .filter((event) => event.kind === 'fault-rule' && event.details.id === id)
    .map((event) => String(event.details.change));
}

/** The documented draws: the n-th match (from 1) is hit when sha1("<seed>:<n>")'s first 32 bits / 2³² < p. */
function drawn(seed: number, probability: number, count: number): boolean[] {
  return Array.from({ length: count }, (_, i) => {
    const hex = createHash('sha1')
      .update(`${seed}:${i + 1}`)
      .digest('hex')
      .slice(0, 8);
    return Number.parseInt(hex, 16) / 2 ** 32 < probability;
  });
}

/**
 * Sends one GET of the secret on a bare TLS connection to `region` and tells how the connection ended:
 * `reset` when a read failed with ECONNRESET (a TCP RST), `closed` when it ended cleanly (a FIN), or
 * `answered` when any response byte came; another error's code otherwise.
 */
async function connectionEnd(region: TestRegion): Promise<string> {
  const token = (await credentialFor(region, 'officer').getToken('https://vault.azure.net/.default')).token;
  return new Promise((resolve) => {
    let answered = false;
    let failure: string | undefined;
    const socket = tls.connect({
      host: '127.0.0.1',
      port: region.port,
      servername: 'localhost',
      ca: region.ca,
    });
    socket.on('secureConnect', () => {
      socket.write(
        `GET ${GET_SECRET} HTTP/1.1\r\nHost: localhost:${region.port}\r\n` +
          `Authorization: Bearer ${token}\r\nConnection: close\r\n\r\n`,
      );
    });
    socket.on('data', () => {
      answered = true;
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      failure = error.code ?? 'error';
    });
    socket.on('close', () => {
      if (answered) resolve('answered');
      else if (failure === 'ECONNRESET') resolve('reset');
      else resolve(failure ?? 'closed');
    });
  });
}
