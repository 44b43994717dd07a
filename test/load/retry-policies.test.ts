import { type CallRecord, type LoadClientSpec, prepareLoad, type RetrySpec } from '@vaultover/load';
import { eventually } from '@vaultover/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../support/clients.ts';
import { type FailoverStack, startFailoverStack } from '../support/failover-stack.ts';
import { loadTarget } from './load-target.ts';

// Each retry policy of the load generator against fault rules on the real stack (global endpoint, two
// region nodes, the control process): what the policy did is read from the call's record, and the
// attempts it counted are checked against the rule's hits on the server.

let stack: FailoverStack;

beforeAll(async () => {
  stack = await startFailoverStack();
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

afterEach(async () => {
  expect((await faultApi('DELETE', '/api/faults')).status).toBe(204);
  await eventually(() => {
    for (const region of [stack.primary, stack.secondary])
      expect(region.node.faultRules?.ruleIds).toEqual([]);
  });
});

const faultApi = (method: string, path: string, body?: unknown) =>
  rawRequest(stack.control, { method, path, principal: 'admin', ...(body === undefined ? {} : { body }) });

/** Adds a rule on SecretGet through the control API; waits until both regions apply it. */
async function onSecretGet(action: Record<string, unknown>, schedule: Record<string, number>) {
  const reply = await faultApi('POST', '/api/faults', {
    name: 'load',
    match: { operations: ['SecretGet'] },
    action,
    schedule,
  });
  expect(reply.status, reply.text).toBe(201);
  const { id } = reply.json as { id: string };
  await eventually(() => {
    for (const region of [stack.primary, stack.secondary])
      expect(region.node.faultRules?.ruleIds).toContain(id);
  });
  return id;
}

/** The rule's hits as the control API counts them. */
async function hits(id: string): Promise<number> {
  await stack.flushFaultHits();
  return ((await faultApi('GET', `/api/faults/${id}`)).json as { hits: number }).hits;
}

/** A one-at-a-time `get` client with `retry`, set up (the secret it reads exists), not yet calling. */
function prepare(name: string, retry: RetrySpec) {
  const spec: LoadClientSpec = {
    name,
    target: { kind: 'secrets' },
    operations: { get: 1 },
    pacing: { concurrency: 1 },
    retry,
    timeoutMs: 20_000,
  };
  const records: CallRecord[] = [];
  return prepareLoad({
    target: loadTarget(stack.gateway),
    clients: [spec],
    seed: 1,
    onRecord: (record) => records.push(record),
  }).then((load) => ({
    /** Runs until the first call is recorded, stops, and returns that call. */
    async firstCall(): Promise<CallRecord> {
      const running = load.start();
      try {
        return await eventually(() => records[0] ?? expect.fail('no call recorded yet'), {
          timeoutMs: 20_000,
        });
      } finally {
        await running.stop(0);
      }
    },
  }));
}

const UNAVAILABLE = { type: 'error', status: 503, code: 'ServiceUnavailable', message: 'Try again.' };
const COCKATIEL: RetrySpec = { policy: 'cockatiel', attempts: 4, delayMs: 10, maxDelayMs: 50 };

describe('a 503 on the first 2 attempts of each request (perRequest: 2)', () => {
  it('sdk-default: the SDK retries under one request id and the call succeeds at its third attempt', async () => {
    const client = await prepare('sdk', { policy: 'sdk-default' });
    const rule = await onSecretGet(UNAVAILABLE, { perRequest: 2 });
    const call = await client.firstCall();
    expect(call).toMatchObject({ outcome: 'ok', attempts: 3, firstTry: false, status: 200 });
    expect(call.requestIds).toHaveLength(1);
    expect(await hits(rule)).toBeGreaterThanOrEqual(2);
  });

  it('none: the call fails at once, at its one attempt, with the 503', async () => {
    const client = await prepare('none', { policy: 'none' });
    const rule = await onSecretGet(UNAVAILABLE, { perRequest: 2 });
    const call = await client.firstCall();
    expect(call).toMatchObject({ outcome: 'failed', attempts: 1, code: 'ServiceUnavailable', status: 503 });
    expect(await hits(rule)).toBeGreaterThanOrEqual(1);
  });

  it('fixed and exponential: the SDK retries as configured and the call succeeds at its third attempt', async () => {
    for (const retry of [
      { policy: 'fixed', retries: 3, delayMs: 20 },
      { policy: 'exponential', retries: 5, delayMs: 10, maxDelayMs: 100 },
    ] as const) {
      const client = await prepare(retry.policy, retry);
      const rule = await onSecretGet(UNAVAILABLE, { perRequest: 2 });
      expect(await client.firstCall()).toMatchObject({ outcome: 'ok', attempts: 3 });
      expect((await faultApi('DELETE', `/api/faults/${rule}`)).status).toBe(204);
    }
  });

  it('fixed with 1 retry gives up after 2 attempts', async () => {
    const client = await prepare('fixed1', { policy: 'fixed', retries: 1, delayMs: 10 });
    await onSecretGet(UNAVAILABLE, { perRequest: 2 });
    expect(await client.firstCall()).toMatchObject({
      outcome: 'failed',
      attempts: 2,
      code: 'ServiceUnavailable',
    });
  });

  it('cockatiel: every attempt is a new SDK call with a new request id, so each is hit: it gives up', async () => {
    const client = await prepare('cockatiel-per-request', COCKATIEL);
    await onSecretGet(UNAVAILABLE, { perRequest: 2 });
    const call = await client.firstCall();
    // attempts: 4, so 4 SDK calls of one attempt each, every one hit.
    expect(call).toMatchObject({ outcome: 'failed', attempts: 4, code: 'ServiceUnavailable', status: 503 });
    expect(new Set(call.requestIds).size).toBe(4);
  });
});

describe('cockatiel around an SDK client whose own retries are off', () => {
  it('a 503 twice (times: 2): three SDK calls of one attempt each, the third succeeds', async () => {
    const client = await prepare('cockatiel', COCKATIEL);
    const rule = await onSecretGet(UNAVAILABLE, { times: 2 });
    const call = await client.firstCall();
    expect(call).toMatchObject({ outcome: 'ok', attempts: 3, firstTry: false, status: 200 });
    expect(new Set(call.requestIds).size).toBe(3);
    expect(await hits(rule)).toBe(2);
  });

  it('an open circuit fails attempts without sending them: BrokenCircuit', async () => {
    const client = await prepare('breaker', {
      ...COCKATIEL,
      attempts: 3,
      breaker: { failures: 2, halfOpenAfterMs: 60_000 },
    });
    await onSecretGet(UNAVAILABLE, {});
    const call = await client.firstCall();
    // Two attempts reach the service and fail; the breaker opens; the third never leaves the client.
    expect(call).toMatchObject({ outcome: 'failed', attempts: 2, code: 'BrokenCircuit', status: 503 });
  });
});

describe('one 429 without Retry-After (the throttling trap)', () => {
  it('sdk-default does not retry it: the call fails at its one attempt with Throttled', async () => {
    const client = await prepare('sdk-429', { policy: 'sdk-default' });
    const rule = await onSecretGet({ type: 'throttle' }, { times: 1 });
    expect(await client.firstCall()).toMatchObject({
      outcome: 'failed',
      attempts: 1,
      code: 'Throttled',
      status: 429,
    });
    expect(await hits(rule)).toBe(1);
  });

  it('cockatiel retries it: the second SDK call succeeds', async () => {
    const client = await prepare('cockatiel-429', COCKATIEL);
    const rule = await onSecretGet({ type: 'throttle' }, { times: 1 });
    expect(await client.firstCall()).toMatchObject({
      outcome: 'ok',
      attempts: 2,
      firstTry: false,
      status: 200,
    });
    expect(await hits(rule)).toBe(1);
  });
});

describe('the call timeout', () => {
  it('covers every attempt: a hung request is cut at the timeout and recorded as Timeout', async () => {
    const records: CallRecord[] = [];
    const load = await prepareLoad({
      target: loadTarget(stack.gateway),
      clients: [
        {
          name: 'timeout',
          target: { kind: 'secrets' },
          operations: { get: 1 },
          pacing: { concurrency: 1 },
          retry: { policy: 'sdk-default' },
          timeoutMs: 300,
        },
      ],
      seed: 1,
      onRecord: (record) => records.push(record),
    });
    await onSecretGet({ type: 'delay', ms: 5_000 }, {});
    const running = load.start();
    const call = await eventually(() => records[0] ?? expect.fail('no call yet'), { timeoutMs: 10_000 });
    await running.stop(0);
    expect(call).toMatchObject({ outcome: 'failed', code: 'Timeout', attempts: 1 });
    expect(call.latencyMs).toBeGreaterThanOrEqual(290);
    expect(call.latencyMs).toBeLessThan(4_000);
  });
});
