import { rm } from 'node:fs/promises';
import https from 'node:https';
import { DEFAULT_PRINCIPALS } from '@vaultover/auth';
import {
  FAULT_HEADER,
  FAULT_KEYS,
  type FaultRule,
  type FaultRuleInput,
  faultCounters,
  removeFaultRules,
  storeFaultRule,
  THROTTLED_BODY,
} from '@vaultover/contract';
import { FailoverStore } from '@vaultover/control';
import { redisNodesOf, redisUrlThrough } from '@vaultover/foundation/redis';
import { LinkProxy } from '@vaultover/link-proxy';
import { startRegionNode } from '@vaultover/region';
import { eventually, ManualClock, pollUntil, startTestRedis, type TestRedis } from '@vaultover/testkit';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ARM_API, arm, vaultPath } from '../support/arm.ts';
import { API, credentialFor, loopbackLookup, rawRequest, secretClient } from '../support/clients.ts';
import { normalState } from '../support/failover-states.ts';
import { FAST_RETRIES, partialResponse, regionMetric } from '../support/faults.ts';
import { keyClient } from '../support/key-clients.ts';
import { startTestRegion, type TestRegion } from '../support/region.ts';

// Request-level fault rules as a region node applies them (docs/chaos.md): rules stored in the control
// Redis (here directly, with storeFaultRule), evaluated after authentication and before the mode gate,
// seen through the real SDK clients and their default retry policy, and on the wire.

const REGION = 'westeurope';
const OTHER_VAULT = 'frother';

let control: TestRedis;
let controlClient: Redis;
let proxy: LinkProxy;
let clock: ManualClock;
let region: TestRegion;
let next = 0;

beforeAll(async () => {
  // Its own embedded server: the single failover record cannot be shared with other files.
  control = await startTestRedis('fault-control');
  controlClient = control.client();
  // Between the node and the control Redis, so a test can make the control Redis stop answering.
  proxy = new LinkProxy({ name: 'control', upstream: redisNodesOf(control.url) });
  await proxy.start();
  await new FailoverStore(controlClient).ensure(normalState(1, REGION));
  clock = new ManualClock(Date.now());
  // Shares database 3 (see TestRedisOptions.externalDb): secret names `fr-*`, vault `frother`; no time shifts.
  region = await startTestRegion({
    externalDb: 3,
    region: REGION,
    extraVaults: [{ name: OTHER_VAULT }],
    node: { control: { redisUrl: redisUrlThrough(control.url, proxy.routes), faultClock: clock } },
  });
  await eventually(() => expect(region.node.mode.writable).toBe(true));
  await secretClient(region, 'officer').setSecret('fr-read', 'value');
  await secretClient(region, 'officer', region.vaultUrl(OTHER_VAULT)).setSecret('fr-read', 'other');
});

afterAll(async () => {
  await region?.close();
  await proxy?.close();
  await control?.stop();
});

afterEach(async () => {
  await removeFaultRules(controlClient, await controlClient.hkeys(FAULT_KEYS.rules));
  await eventually(() => expect(region.node.faultRules?.ruleIds).toEqual([]));
});

/** Stores a rule as the control API would (dated on the fault clock) and waits until the node applies it. */
async function addRule(input: Omit<FaultRuleInput, 'name'>, wait = true): Promise<FaultRule> {
  const rule: FaultRule = { name: 'test', ...input, id: `fr-${++next}`, createdAt: clock.now() };
  await storeFaultRule(controlClient, rule);
  if (wait) await eventually(() => expect(region.node.faultRules?.ruleIds).toContain(rule.id));
  return rule;
}

/** The rule's counters, once the node has written the hits it counted alone (rules it decides itself). */
async function counters(rule: FaultRule) {
  await region.node.faultRules?.flushHits();
  return (await faultCounters(controlClient, [rule.id])).get(rule.id);
}

/** `vaultover_requests_total` of the node for one operation and status. */
const served = (operation: string, status: number) =>
  regionMetric(region, 'vaultover_requests_total', `operation="${operation}"`, `status="${status}"`);

const metric = (name: string, ...labels: string[]) => regionMetric(region, name, ...labels);

const GET_READ = `/secrets/fr-read?${API}`;
const injected = (status: number, code = 'FaultInjected') =>
  ({ type: 'error', status, code, message: 'Injected by a test.' }) as const;

describe('actions, through the SDK and its default retry policy', () => {
  it('error 503 on the first 2 attempts of each request: the SDK succeeds at its third attempt', async () => {
    const rule = await addRule({
      match: { operations: ['SecretSet'] },
      action: injected(503, 'ServiceUnavailable'),
      schedule: { perRequest: 2 },
    });
    const [failedBefore, okBefore] = [await served('SecretSet', 503), await served('SecretSet', 200)];
    const client = secretClient(region, 'officer', region.url, FAST_RETRIES);
    expect((await client.setSecret('fr-retried', 'v')).value).toBe('v');
    expect(await served('SecretSet', 503)).toBe(failedBefore + 2);
    expect(await served('SecretSet', 200)).toBe(okBefore + 1);
    expect(await counters(rule)).toEqual({ matches: 2, hits: 2 });
  });

  it('an error answers the Key Vault error body, with Retry-After only when the rule gives one', async () => {
    const rule = await addRule({ action: injected(500, 'InternalServerError') });
    const plain = await rawRequest(region, { path: GET_READ, principal: 'officer' });
    expect(plain.status).toBe(500);
    expect(plain.json).toEqual({ error: { code: 'InternalServerError', message: 'Injected by a test.' } });
    expect(plain.headers[FAULT_HEADER]).toBe(rule.id);
    expect(plain.headers['retry-after']).toBeUndefined();

    const later = await addRule({ action: { ...injected(503), retryAfter: 7 } });
    await removeFaultRules(controlClient, [rule.id]);
    await eventually(() => expect(region.node.faultRules?.ruleIds).toEqual([later.id]));
    const withRetryAfter = await rawRequest(region, { path: GET_READ, principal: 'officer' });
    expect(withRetryAfter.status).toBe(503);
    expect(withRetryAfter.headers['retry-after']).toBe('7');
    expect(withRetryAfter.headers[FAULT_HEADER]).toBe(later.id);
  });

  it('a 429 without Retry-After is not retried: the call fails at once with Throttled', async () => {
    const rule = await addRule({ match: { operations: ['SecretGet'] }, action: { type: 'throttle' } });
    const client = secretClient(region, 'officer', region.url, FAST_RETRIES);
    await expect(client.getSecret('fr-read')).rejects.toMatchObject({ statusCode: 429, code: 'Throttled' });
    expect(await counters(rule)).toEqual({ matches: 1, hits: 1 });

    const raw = await rawRequest(region, { path: GET_READ, principal: 'officer' });
    expect(raw.status).toBe(429);
    expect(raw.json).toEqual(THROTTLED_BODY);
    expect(raw.headers['retry-after']).toBeUndefined();
    expect(raw.headers[FAULT_HEADER]).toBe(rule.id);
  });

  it('a 429 with Retry-After: 1 is retried after it, and the call succeeds', async () => {
    const rule = await addRule({
      match: { operations: ['SecretGet'] },
      action: { type: 'throttle', retryAfter: 1 },
      schedule: { times: 1 },
    });
    const throttledBefore = await served('SecretGet', 429);
    const client = secretClient(region, 'officer', region.url, FAST_RETRIES);
    expect((await client.getSecret('fr-read')).value).toBe('value');
    expect(await served('SecretGet', 429)).toBe(throttledBefore + 1);
    expect(await counters(rule)).toEqual({ matches: 1, hits: 1 });
  });

  it('reset: the SDK retries the ECONNRESET and succeeds once the rule has hit `times` times', async () => {
    const rule = await addRule({
      match: { operations: ['SecretGet'] },
      action: { type: 'reset' },
      schedule: { times: 2 },
    });
    const client = secretClient(region, 'officer', region.url, FAST_RETRIES);
    expect((await client.getSecret('fr-read')).value).toBe('value');
    expect(await counters(rule)).toEqual({ matches: 2, hits: 2 });
    // On the wire: no response at all, a reset.
    const more = await addRule({ match: { operations: ['SecretGet'] }, action: { type: 'reset' } });
    await expect(rawRequest(region, { path: GET_READ, principal: 'officer' })).rejects.toMatchObject({
      code: 'ECONNRESET',
    });
    expect(await counters(more)).toEqual({ matches: 1, hits: 1 });
  });

  it('hang with maxMs: no answer until maxMs passes on the clock, then the connection closes and the SDK retries', async () => {
    const rule = await addRule({
      match: { operations: ['SecretGet'] },
      action: { type: 'hang', maxMs: 30_000 },
      schedule: { times: 1 },
    });
    const client = secretClient(region, 'officer', region.url, FAST_RETRIES);
    let settled = false;
    const call = client.getSecret('fr-read').finally(() => {
      settled = true;
    });
    await pollUntil('the hang holds the request', () => clock.sleeping === 1);
    await clock.advance(29_999);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled).toBe(false);
    await clock.advance(1);
    expect((await call).value).toBe('value');
    expect(await counters(rule)).toEqual({ matches: 1, hits: 1 });
  });

  it('hang without maxMs: held until the client gives up', async () => {
    const rule = await addRule({ match: { operations: ['SecretGet'] }, action: { type: 'hang' } });
    const client = secretClient(region, 'officer', region.url, FAST_RETRIES);
    const abort = new AbortController();
    const call = client.getSecret('fr-read', { abortSignal: abort.signal });
    await eventually(async () => expect(await counters(rule)).toEqual({ matches: 1, hits: 1 }));
    abort.abort();
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('drop-body: the status line, headers and half the body, then the connection closes; the SDK does not retry', async () => {
    const rule = await addRule({ match: { operations: ['SecretGet'] }, action: { type: 'drop-body' } });
    const cut = await partialResponse(region, GET_READ);
    expect(cut.status).toBe(200);
    expect(cut.headers[FAULT_HEADER]).toBe(rule.id);
    const length = Number(cut.headers['content-length']);
    expect(cut.received).toBe(Math.floor(length / 2));
    expect(cut.error).toBeTruthy();
    expect(await counters(rule)).toEqual({ matches: 1, hits: 1 });

    // The SDK reads the body as a whole: a body cut short is a parse error to it, which it does not retry.
    const client = secretClient(region, 'officer', region.url, FAST_RETRIES);
    await expect(client.getSecret('fr-read')).rejects.toMatchObject({
      name: 'RestError',
      code: 'PARSE_ERROR',
    });
    expect(await counters(rule)).toEqual({ matches: 2, hits: 2 });
  });

  it('drop-body on a write: the write is applied, only its answer is cut', async () => {
    await addRule({
      match: { operations: ['SecretSet'] },
      action: { type: 'drop-body' },
      schedule: { times: 1 },
    });
    const client = secretClient(region, 'officer', region.url, FAST_RETRIES);
    await expect(client.setSecret('fr-cut', 'applied')).rejects.toMatchObject({ code: 'PARSE_ERROR' });
    expect((await client.getSecret('fr-cut')).value).toBe('applied');
  });

  it('delay: the request waits `ms` on the clock, delays of several rules add up, and the answer names them', async () => {
    const first = await addRule({
      match: { operations: ['SecretGet'] },
      action: { type: 'delay', ms: 3000 },
    });
    const second = await addRule({
      match: { operations: ['SecretGet'] },
      action: { type: 'delay', ms: 2000 },
    });
    let settled = false;
    const request = rawRequest(region, { path: GET_READ, principal: 'officer' }).finally(() => {
      settled = true;
    });
    await pollUntil('the delay sleeps', () => clock.sleeping === 1);
    await clock.advance(4999);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled).toBe(false);
    await clock.advance(1);
    const response = await request;
    expect(response.status).toBe(200);
    expect((response.json as { value: string }).value).toBe('value');
    expect(response.headers[FAULT_HEADER]).toBe(`${first.id}, ${second.id}`);
  });

  it('a client that leaves during a delay ends it: the request is not served after all', async () => {
    await addRule({ match: { operations: ['SecretSet'] }, action: { type: 'delay', ms: 60_000 } });
    const abort = new AbortController();
    const call = secretClient(region, 'officer').setSecret('fr-abandoned', 'v', {
      abortSignal: abort.signal,
    });
    await pollUntil('the delay sleeps', () => clock.sleeping === 1);
    abort.abort();
    await expect(call).rejects.toMatchObject({ name: 'AbortError' });
    await pollUntil('the delay ends', () => clock.sleeping === 0);
    await expect(secretClient(region, 'officer').getSecret('fr-abandoned')).rejects.toMatchObject({
      statusCode: 404,
    });
  });

  it('a delay then an error: the error wins and is answered after the delay; later rules are not counted', async () => {
    const delay = await addRule({ action: { type: 'delay', ms: 100 } });
    const error = await addRule({ action: injected(409) });
    const after = await addRule({ action: injected(418) });
    const request = rawRequest(region, { path: GET_READ, principal: 'officer' });
    await pollUntil('the delay sleeps', () => clock.sleeping === 1);
    await clock.advance(100);
    const response = await request;
    expect(response.status).toBe(409);
    expect(response.headers[FAULT_HEADER]).toBe(`${delay.id}, ${error.id}`);
    expect(await counters(after)).toEqual({ matches: 0, hits: 0 });
    expect(await metric('vaultover_faults_injected_total', `fault="${error.id}"`)).toBe(1);
  });

  it('the keys client retries an injected 503 like the secrets client', async () => {
    const client = keyClient(region, 'officer', region.url, FAST_RETRIES);
    await client.createKey('fr-key', 'EC');
    const rule = await addRule({
      match: { operations: ['KeyGet'] },
      action: injected(503, 'ServiceUnavailable'),
      schedule: { perRequest: 1 },
    });
    expect((await client.getKey('fr-key')).name).toBe('fr-key');
    expect(await counters(rule)).toEqual({ matches: 1, hits: 1 });
  });
});

describe('matching', () => {
  const setAs = (principal: string) =>
    rawRequest(region, { method: 'PUT', path: `/secrets/fr-set?${API}`, principal, body: { value: 'v' } });

  it('operations: names, `*` patterns and the read/write groups; unmatched requests are untouched', async () => {
    const pattern = await addRule({ match: { operations: ['Secret*'] }, action: injected(409) });
    expect((await getAs('officer')).status).toBe(409);
    const key = await rawRequest(region, { path: `/keys/fr-none?${API}`, principal: 'officer' });
    expect(key.status).toBe(404);
    expect(key.headers[FAULT_HEADER]).toBeUndefined();
    await removeFaultRules(controlClient, [pattern.id]);

    await addRule({ match: { operations: ['write'] }, action: injected(409) });
    expect((await setAs('officer')).status).toBe(409);
    const read = await getAs('officer');
    expect(read.status).toBe(200);
    expect(read.headers[FAULT_HEADER]).toBeUndefined();
  });

  it('vaults, principals and methods', async () => {
    const vault = await addRule({ match: { vaults: [OTHER_VAULT] }, action: injected(409) });
    expect((await getAs('officer', `${OTHER_VAULT}.localhost`)).status).toBe(409);
    expect((await getAs('officer')).status).toBe(200);
    await removeFaultRules(controlClient, [vault.id]);

    const principal = await addRule({ match: { principals: ['app'] }, action: injected(409) });
    expect((await getAs('app')).status).toBe(409);
    expect((await getAs('officer')).status).toBe(200);
    await removeFaultRules(controlClient, [principal.id]);

    await addRule({ match: { methods: ['PUT'] }, action: injected(409) });
    expect((await setAs('officer')).status).toBe(409);
    expect((await getAs('officer')).status).toBe(200);
  });

  it("regions: a rule for another region is not this node's", async () => {
    const elsewhere = await addRule({ match: { regions: ['northeurope'] }, action: injected(409) }, false);
    // Rules are read whole: once a later rule is in force, the earlier one has been read too.
    const here = await addRule({ match: { regions: [REGION], methods: ['PATCH'] }, action: injected(409) });
    expect(region.node.faultRules?.ruleIds).toEqual([here.id]);
    expect((await getAs('officer')).status).toBe(200);
    expect(await counters(elsewhere)).toEqual({ matches: 0, hits: 0 });
  });

  it('an unauthenticated request gets the 401 challenge, never a fault', async () => {
    const rule = await addRule({ action: injected(409) });
    const anonymous = await rawRequest(region, { path: GET_READ });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer /);
    expect(anonymous.headers[FAULT_HEADER]).toBeUndefined();
    expect(await counters(rule)).toEqual({ matches: 0, hits: 0 });
  });

  it('the management plane is faulted too, by the vault its path names', async () => {
    const rule = await addRule({
      match: { operations: ['VaultGet'], vaults: ['frarm'] },
      action: injected(503, 'ServiceUnavailable'),
    });
    const faulted = await arm(region, { path: vaultPath('rg', 'frarm') });
    expect(faulted.status).toBe(503);
    expect(faulted.headers[FAULT_HEADER]).toBe(rule.id);
    const other = await arm(region, { path: vaultPath('rg', 'frnone') });
    expect(other.status).toBe(404);
    expect(other.headers[FAULT_HEADER]).toBeUndefined();
    const list = await arm(region, {
      path: `/subscriptions/11111111-2222-3333-4444-555555555555/providers/Microsoft.KeyVault/vaults?${ARM_API}`,
    });
    expect(list.status).toBe(200);
  });
});

describe('rules in time', () => {
  it('a rule added while a keep-alive connection is open applies to its next request; a removed one stops', async () => {
    const agent = new https.Agent({ ca: region.ca, keepAlive: true, maxSockets: 1, lookup: loopbackLookup });
    try {
      const token = (await credentialFor(region, 'officer').getToken('https://vault.azure.net/.default'))
        .token;
      const get = () => keepAliveGet(agent, token);
      expect((await get()).status).toBe(200);
      const rule = await addRule({ action: injected(409) });
      const faulted = await get();
      expect(faulted).toMatchObject({ status: 409, reused: true });
      await removeFaultRules(controlClient, [rule.id]);
      await eventually(() => expect(region.node.faultRules?.ruleIds).toEqual([]));
      expect(await get()).toMatchObject({ status: 200, reused: true });
    } finally {
      agent.destroy();
    }
  });

  it('rules survive a restart of the region node: they are in the control Redis', async () => {
    const rule = await addRule({ match: { operations: ['SecretGet'] }, action: injected(409) });
    const node = region.node;
    await node.close();
    region = await restartedRegion();
    // Loaded at start, before the node listens.
    expect(region.node.faultRules?.ruleIds).toEqual([rule.id]);
    await eventually(() => expect(region.node.mode.state.mode).toBe('read-write'));
    expect((await getAs('officer')).status).toBe(409);
  });

  it('a control Redis that does not answer lets requests through, counted, until it answers again', async () => {
    // `times`: decided in the control Redis, so it cannot be while it does not answer.
    const rule = await addRule({
      match: { operations: ['SecretGet'] },
      action: injected(409),
      schedule: { times: 1000 },
    });
    const before = await metric('vaultover_faults_unevaluated_total');
    proxy.addToxic({ name: 'partition', type: 'blackhole', stream: 'both' });
    try {
      expect((await getAs('officer')).status).toBe(200);
      // Marked unreachable at the first failure: the next request does not wait for Redis at all.
      expect((await getAs('officer')).status).toBe(200);
      expect(await metric('vaultover_faults_unevaluated_total')).toBe(before + 2);
    } finally {
      proxy.removeToxic('partition');
    }
    // The fallback reload (every second on the clock) finds it answering again.
    await eventually(async () => {
      await clock.advance(1000);
      expect((await getAs('officer')).status).toBe(409);
    });
    expect((await counters(rule))?.hits).toBeGreaterThanOrEqual(1);
  });

  it('a rule the region decides alone applies while the control Redis does not answer; its hits follow', async () => {
    const rule = await addRule({ match: { operations: ['SecretGet'] }, action: injected(409) });
    proxy.addToxic({ name: 'partition', type: 'blackhole', stream: 'both' });
    try {
      expect((await getAs('officer')).status).toBe(409);
      expect((await getAs('officer')).status).toBe(409);
    } finally {
      proxy.removeToxic('partition');
    }
    // Kept while the writes failed, written once one succeeds.
    await eventually(async () => expect(await counters(rule)).toEqual({ matches: 2, hits: 2 }));
  });
});

function getAs(principal: string, hostname?: string) {
  return rawRequest(region, { path: GET_READ, principal, ...(hostname ? { hostname } : {}) });
}

/** A node started again as beforeAll started it: same Redis, data directory and port. */
async function restartedRegion(): Promise<TestRegion> {
  const previous = region;
  const node = await startRegionNode({
    region: REGION,
    role: 'primary',
    dataDir: previous.dataDir,
    redisUrl: previous.redis.url,
    port: previous.port,
    vaults: [{ name: 'vaultover' }, { name: OTHER_VAULT }],
    defaultVault: 'vaultover',
    principals: DEFAULT_PRINCIPALS,
    logger: pino({ level: 'silent' }),
    control: { redisUrl: redisUrlThrough(control.url, proxy.routes), faultClock: clock },
  });
  return {
    ...previous,
    node,
    async close() {
      await node.close();
      await previous.redis.stop();
      await rm(previous.dataDir, { recursive: true, force: true });
    },
  };
}

/** One GET on a keep-alive agent: its status, and whether it went on a connection used before. */
function keepAliveGet(agent: https.Agent, token: string): Promise<{ status: number; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: 'localhost',
        port: region.port,
        path: GET_READ,
        agent,
        headers: { authorization: `Bearer ${token}` },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
