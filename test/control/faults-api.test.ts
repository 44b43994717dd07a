import { readFile } from 'node:fs/promises';
import https from 'node:https';
import { join } from 'node:path';
import { DEFAULT_PRINCIPALS } from '@vaultover/auth';
import { FAULT_KEYS, type FaultRule, faultHit, readFaultRules } from '@vaultover/contract';
import { type ControlProcess, FAULT_EXPIRY_CHECK_MS, startControl } from '@vaultover/control';
import { eventually, ManualClock, startTestRedis, type TestRedis, tempDir } from '@vaultover/testkit';
import type { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { credentialFor, type RawResponse, rawRequest } from '../support/clients.ts';
import { exchange } from '../support/exchange.ts';
import type { TestRegion } from '../support/region.ts';

// The fault API of docs/control-api.md and docs/chaos.md, on a real control process (real control Redis,
// real HTTPS, administrator tokens) whose clock the test drives. No region node runs: the rules are
// evaluated by regions, whose hits are counted here through the contract's own `faultHit`. Two control
// processes share the control Redis, as two would in a deployment: an expiry is recorded once.

let redis: TestRedis;
let client: Redis;
let dir: { path: string; remove: () => Promise<void> };
let clock: ManualClock;
let controls: ControlProcess[] = [];
let api: TestRegion;

beforeAll(async () => {
  redis = await startTestRedis('control');
  client = redis.client();
  dir = await tempDir('vaultover-faults-');
  clock = new ManualClock();
  const start = () =>
    startControl({
      controlRedisUrl: redis.url,
      // Nothing listens there: probes fail, and are never repeated within the test's clock (below).
      regions: [
        { name: 'westeurope', role: 'primary', url: 'https://localhost:1' },
        { name: 'northeurope', role: 'secondary', url: 'https://localhost:2' },
      ],
      dataDir: dir.path,
      principals: DEFAULT_PRINCIPALS,
      monitor: { probeIntervalMs: 1e9, failureThreshold: 100 },
      clock,
      logger: pino({ level: 'silent' }),
    });
  controls = [await start(), await start()];
  const ca = await readFile(join(dir.path, 'tls', 'ca.pem'), 'utf8');
  api = { port: Number(new URL(controls[0]?.url ?? '').port), ca, dataDir: dir.path } as TestRegion;
});

afterAll(async () => {
  for (const control of controls) await control.close();
  await redis?.stop();
  await dir?.remove();
});

beforeEach(async () => {
  await client.del(FAULT_KEYS.rules, 'vo:control:events');
});

const call = (method: string, path: string, body?: unknown, principal = 'admin'): Promise<RawResponse> =>
  rawRequest(api, { method, path, principal, ...(body === undefined ? {} : { body }) });

const FULL = {
  name: 'flaky-reads',
  match: {
    regions: ['westeurope'],
    operations: ['SecretGet', 'Key*'],
    vaults: ['default'],
    principals: ['app'],
    methods: ['GET'],
  },
  action: {
    type: 'error',
    status: 503,
    code: 'ServiceUnavailable',
    message: 'The service is unavailable.',
    retryAfter: 2,
  },
  schedule: {
    probability: 0.3,
    seed: 42,
    times: 10,
    skip: 0,
    perRequest: 2,
    startAfterMs: 0,
    durationMs: 30000,
  },
};

async function add(body: unknown): Promise<{ id: string } & Record<string, unknown>> {
  // Rules are listed by creation time, then id (random): a millisecond apart, they list as added.
  await clock.advance(1);
  const reply = await call('POST', '/api/faults', body);
  expect(reply.status, reply.text).toBe(201);
  return reply.json as { id: string } & Record<string, unknown>;
}

async function stored(id: string): Promise<FaultRule> {
  const rule = (await readFaultRules(client)).find((candidate) => candidate.id === id);
  if (!rule) throw new Error(`rule ${id} is not stored`);
  return rule;
}

async function ruleEvents(): Promise<{ time: string; details: Record<string, unknown> }[]> {
  const events = (await call('GET', '/api/events')).json as {
    value: { kind: string; time: string; details: Record<string, unknown> }[];
  };
  return events.value.filter((event) => event.kind === 'fault-rule');
}

describe('POST /api/faults', () => {
  it('stores a rule with every field and answers 201 with it as stored, plus id, state, hits and createdAt', async () => {
    const created = await add(FULL);
    expect(created).toEqual({
      ...FULL,
      id: expect.stringMatching(/^[0-9a-f]{10}$/),
      state: 'active',
      hits: 0,
      createdAt: new Date(clock.now()).toISOString(),
    });
    expect(await stored(created.id)).toEqual({ ...FULL, id: created.id, createdAt: clock.now() });
    expect((await call('GET', `/api/faults/${created.id}`)).json).toEqual(created);
    expect((await call('GET', '/api/faults')).json).toEqual({ value: [created] });
    expect(await ruleEvents()).toEqual([
      {
        id: expect.stringMatching(/^\d+-\d+$/),
        kind: 'fault-rule',
        time: new Date(clock.now()).toISOString(),
        details: { change: 'added', id: created.id, name: 'flaky-reads' },
      },
    ]);
  });

  it('tells the regions on the changes channel', async () => {
    const subscriber = redis.client();
    const messages: string[] = [];
    subscriber.on('message', (_channel: string, message: string) => messages.push(message));
    await subscriber.subscribe(FAULT_KEYS.changes);
    const created = await add({ name: 'told', action: { type: 'reset' } });
    await eventually(() => expect(messages).toEqual([created.id]));
  });

  it('stores a random seed when none is given, so the decisions can be replayed', async () => {
    const first = await add({ name: 'a', action: { type: 'reset' } });
    const second = await add({ name: 'b', action: { type: 'reset' }, schedule: { times: 1 } });
    expect(first.schedule).toEqual({ seed: expect.any(Number) });
    expect(second.schedule).toEqual({ times: 1, seed: expect.any(Number) });
    expect(first.schedule).not.toEqual({ seed: (second.schedule as { seed: number }).seed });
    expect((await stored(first.id)).schedule).toEqual(first.schedule);
    expect(first.match).toEqual({});
  });

  it('takes every action type and normalises vault names and methods', async () => {
    const actions = [
      { type: 'error', status: 400, code: 'BadParameter', message: 'no' },
      { type: 'throttle' },
      { type: 'throttle', retryAfter: 0 },
      { type: 'delay', ms: 250, jitterMs: 50 },
      { type: 'reset' },
      { type: 'hang' },
      { type: 'hang', maxMs: 5000 },
      { type: 'drop-body' },
    ];
    for (const action of actions) expect((await add({ name: action.type, action })).action).toEqual(action);
    const normalised = await add({
      name: 'n',
      action: { type: 'reset' },
      match: { vaults: ['Default'], methods: ['get', 'Put'], operations: ['read', '*Backup', '*'] },
    });
    expect(normalised.match).toEqual({
      vaults: ['default'],
      methods: ['GET', 'PUT'],
      operations: ['read', '*Backup', '*'],
    });
  });

  const ok = { name: 'x', action: { type: 'reset' } };
  const BAD: [string, unknown, string][] = [
    ['not JSON', '{"name":', 'The body is not valid JSON'],
    ['an empty body', '', 'The body is empty'],
    ['a list', [], 'The body must be a JSON object'],
    ['an unknown field', { ...ok, priority: 1 }, 'priority is not a field of a fault rule'],
    ['no name', { action: { type: 'reset' } }, 'name is required'],
    ['an empty name', { ...ok, name: '' }, 'name must be a non-empty string of at most 100 characters'],
    ['no action', { name: 'x' }, 'action is required'],
    [
      'an unknown action',
      { ...ok, action: { type: 'explode' } },
      'action.type must be one of error, throttle',
    ],
    ['an action without type', { ...ok, action: {} }, 'action.type is required'],
    ['an action as text', { ...ok, action: 'reset' }, 'action must be an object'],
    [
      'a field of another action',
      { ...ok, action: { type: 'throttle', ms: 10 } },
      'action.ms is not a field of a throttle action (it takes retryAfter)',
    ],
    [
      'an error without status',
      { ...ok, action: { type: 'error', code: 'X', message: 'm' } },
      'action.status is required',
    ],
    [
      'a status under 400',
      { ...ok, action: { type: 'error', status: 302, code: 'X', message: 'm' } },
      'action.status must be a whole number from 400 to 599, not 302',
    ],
    [
      'a code with spaces',
      { ...ok, action: { type: 'error', status: 500, code: 'Bad code', message: 'm' } },
      'action.code must be an error code',
    ],
    [
      'an empty message',
      { ...ok, action: { type: 'error', status: 500, code: 'X', message: '' } },
      'action.message must be a non-empty string',
    ],
    [
      'a negative retryAfter',
      { ...ok, action: { type: 'throttle', retryAfter: -1 } },
      'action.retryAfter must be a whole number of seconds from 0 to 3600, not -1',
    ],
    ['a delay without ms', { ...ok, action: { type: 'delay' } }, 'action.ms is required'],
    [
      'a fractional jitter',
      { ...ok, action: { type: 'delay', ms: 1, jitterMs: 0.5 } },
      'action.jitterMs must be a whole number of milliseconds',
    ],
    [
      'a hang of 0 ms',
      { ...ok, action: { type: 'hang', maxMs: 0 } },
      'action.maxMs must be a whole number of milliseconds from 1',
    ],
    ['an unknown match field', { ...ok, match: { hosts: ['x'] } }, 'match.hosts is not a field of match'],
    [
      'an unknown region',
      { ...ok, match: { regions: ['westeurope', 'eastus'] } },
      'match.regions[1] must be a region of the deployment (westeurope, northeurope), not "eastus"',
    ],
    ['an empty region list', { ...ok, match: { regions: [] } }, 'match.regions must be a non-empty list'],
    [
      'regions as text',
      { ...ok, match: { regions: 'westeurope' } },
      'match.regions must be a non-empty list of region names, not "westeurope"',
    ],
    [
      'an unknown operation',
      { ...ok, match: { operations: ['SecretGot'] } },
      'match.operations[0] must be an operation of the catalogue',
    ],
    [
      'a pattern that matches nothing',
      { ...ok, match: { operations: ['Secret*', 'Blob*'] } },
      'match.operations[1] must be a pattern that matches at least one operation of the catalogue, not "Blob*"',
    ],
    ['an invalid vault name', { ...ok, match: { vaults: ['a'] } }, 'match.vaults[0] must be a vault name'],
    [
      'an unknown principal',
      { ...ok, match: { principals: ['mallory'] } },
      'match.principals[0] must be a configured principal',
    ],
    [
      'an unknown method',
      { ...ok, match: { methods: ['FETCH'] } },
      'match.methods[0] must be an HTTP method',
    ],
    [
      'a probability over 1',
      { ...ok, schedule: { probability: 1.5 } },
      'schedule.probability must be a number from 0 to 1, not 1.5',
    ],
    [
      'a probability as text',
      { ...ok, schedule: { probability: '0.3' } },
      'schedule.probability must be a number from 0 to 1, not "0.3"',
    ],
    ['a fractional seed', { ...ok, schedule: { seed: 4.2 } }, 'schedule.seed must be a whole number'],
    ['times 0', { ...ok, schedule: { times: 0 } }, 'schedule.times must be a whole number from 1'],
    ['a negative skip', { ...ok, schedule: { skip: -1 } }, 'schedule.skip must be a whole number from 0'],
    [
      'perRequest 0',
      { ...ok, schedule: { perRequest: 0 } },
      'schedule.perRequest must be a whole number from 1',
    ],
    [
      'a negative startAfterMs',
      { ...ok, schedule: { startAfterMs: -5 } },
      'schedule.startAfterMs must be a whole number of milliseconds from 0',
    ],
    [
      'durationMs 0',
      { ...ok, schedule: { durationMs: 0 } },
      'schedule.durationMs must be a whole number of milliseconds from 1',
    ],
    [
      'an unknown schedule field',
      { ...ok, schedule: { every: 2 } },
      'schedule.every is not a field of schedule',
    ],
  ];

  it.each(BAD)('refuses %s with a 400 naming the field, and stores nothing', async (_what, body, message) => {
    const reply = await call('POST', '/api/faults', body);
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ error: { code: 'BadParameter', message: expect.any(String) } });
    expect((reply.json as { error: { message: string } }).error.message).toContain(message);
    expect(await client.hlen(FAULT_KEYS.rules)).toBe(0);
    expect(await ruleEvents()).toEqual([]);
  });

  it('answers 401 without a token and 403 to a principal who is not an administrator', async () => {
    const anonymous = await rawRequest(api, { method: 'POST', path: '/api/faults', body: ok });
    expect(anonymous.status).toBe(401);
    expect((await call('POST', '/api/faults', ok, 'officer')).status).toBe(403);
    expect((await call('GET', '/api/faults', undefined, 'app')).status).toBe(403);
    expect(await client.hlen(FAULT_KEYS.rules)).toBe(0);
  });
});

describe('GET /api/faults', () => {
  it('shows live hits and states: scheduled, active, then expired by times', async () => {
    const later = await add({ name: 'later', action: { type: 'reset' }, schedule: { startAfterMs: 1000 } });
    const twice = await add({ name: 'twice', action: { type: 'throttle' }, schedule: { times: 2 } });
    const list = async () =>
      ((await call('GET', '/api/faults')).json as { value: { id: string; state: string; hits: number }[] })
        .value;
    expect((await list()).map(({ id, state, hits }) => ({ id, state, hits }))).toEqual([
      { id: later.id, state: 'scheduled', hits: 0 },
      { id: twice.id, state: 'active', hits: 0 },
    ]);
    // A region counts a hit through the contract's script.
    await faultHit(client, await stored(twice.id), 'request-1', clock.now());
    expect((await list())[1]).toMatchObject({ state: 'active', hits: 1 });
    await faultHit(client, await stored(twice.id), 'request-2', clock.now());
    expect((await list())[1]).toMatchObject({ state: 'expired', hits: 2 });
    await clock.advance(1000);
    expect((await list())[0]).toMatchObject({ state: 'active', hits: 0 });
    expect((await call('GET', `/api/faults/${twice.id}`)).json).toMatchObject({ state: 'expired', hits: 2 });
  });

  it('answers 404 FaultNotFound for an unknown id', async () => {
    const reply = await call('GET', '/api/faults/nothing');
    expect(reply.status).toBe(404);
    expect(reply.json).toEqual({
      error: { code: 'FaultNotFound', message: 'No fault rule has the id nothing.' },
    });
  });

  // Found by the control-API fuzzer (test/fuzz/control-api.test.ts): express's failure to decode the
  // parameter reached the control API as an unexpected error, a 500.
  it('answers 400 BadParameter for an id with a malformed percent-encoding', async () => {
    for (const method of ['GET', 'DELETE']) {
      const reply = await call(method, '/api/faults/%ZZ');
      expect({ status: reply.status, code: (reply.json as { error: { code: string } }).error.code }).toEqual({
        status: 400,
        code: 'BadParameter',
      });
    }
  });
});

// Found by the control-API fuzzer: the rest of an oversized chunked body was left unread for good, and
// the next request on the connection never answered.
describe('a chunked body over 64 KB', () => {
  it('is refused with 413, and the next request on the keep-alive connection is answered', async () => {
    const token = (await credentialFor(api, 'admin').getToken('https://vault.azure.net/.default')).token;
    for (let attempt = 0; attempt < 3; attempt++) {
      const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: api.ca });
      try {
        const refused = await exchange(agent, api.port, {
          method: 'POST',
          path: '/api/faults',
          // Node's client sends a body after `Expect: 100-continue` chunked, in one chunk, behind a head
          // the control API answers before the body has come.
          headers: { authorization: `Bearer ${token}`, expect: '100-continue' },
          body: Buffer.alloc(1024 * 1024, ' '),
        });
        const next = await exchange(
          agent,
          api.port,
          { method: 'GET', path: '/api/faults', headers: { authorization: `Bearer ${token}` } },
          5000,
        );
        expect({
          refused: 'status' in refused && refused.status,
          next: 'status' in next ? next.status : next.error,
        }).toEqual({ refused: 413, next: 200 });
      } finally {
        agent.destroy();
      }
    }
  });
});

// Found by the control-API fuzzer: a region's admin endpoint that does not answer was a 500.
describe('a health fault for a region that does not answer', () => {
  it('is 502 BadGateway, the region being what failed, and no event', async () => {
    const reply = await call('POST', '/api/regions/westeurope/health/fail');
    expect({ status: reply.status, code: (reply.json as { error: { code: string } }).error.code }).toEqual({
      status: 502,
      code: 'BadGateway',
    });
    const events = (await call('GET', '/api/events')).json as { value: { kind: string }[] };
    expect(events.value.filter((event) => event.kind === 'fault')).toEqual([]);
  });
});

describe('expiry', () => {
  it('records a rule expired by times or by duration once, with two control processes checking', async () => {
    const twice = await add({ name: 'twice', action: { type: 'reset' }, schedule: { times: 2 } });
    const brief = await add({ name: 'brief', action: { type: 'reset' }, schedule: { durationMs: 3000 } });
    const expired = async () =>
      (await ruleEvents())
        .filter(({ details }) => details.change === 'expired')
        .map(({ details }) => details);

    for (const requestId of ['a', 'b', 'c']) {
      await faultHit(client, await stored(twice.id), requestId, clock.now());
    }
    await clock.advance(FAULT_EXPIRY_CHECK_MS);
    await eventually(async () =>
      expect(await expired()).toEqual([{ change: 'expired', id: twice.id, name: 'twice' }]),
    );

    await clock.advance(3000 - FAULT_EXPIRY_CHECK_MS - 1);
    // One millisecond before its end the rule is active, whatever the processes checked meanwhile.
    expect((await call('GET', `/api/faults/${brief.id}`)).json).toMatchObject({ state: 'active' });
    await clock.advance(FAULT_EXPIRY_CHECK_MS);
    await eventually(async () =>
      expect(await expired()).toEqual([
        { change: 'expired', id: twice.id, name: 'twice' },
        { change: 'expired', id: brief.id, name: 'brief' },
      ]),
    );
    // Both processes keep checking; neither records either expiry again.
    for (let i = 0; i < 4; i++) await clock.advance(FAULT_EXPIRY_CHECK_MS);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await expired()).toHaveLength(2);
    expect((await call('GET', `/api/faults/${brief.id}`)).json).toMatchObject({ state: 'expired' });
  });
});

describe('DELETE /api/faults', () => {
  it('removes one rule (204, then 404) and every rule, with an event each', async () => {
    const one = await add({ name: 'one', action: { type: 'reset' } });
    const two = await add({ name: 'two', action: { type: 'hang' } });
    const three = await add({ name: 'three', action: { type: 'drop-body' } });
    await faultHit(client, await stored(one.id), undefined, clock.now());

    const removed = await call('DELETE', `/api/faults/${one.id}`);
    expect(removed.status).toBe(204);
    expect(removed.text).toBe('');
    expect(await client.exists(FAULT_KEYS.counters(one.id))).toBe(0);
    expect((await call('GET', `/api/faults/${one.id}`)).status).toBe(404);
    const again = await call('DELETE', `/api/faults/${one.id}`);
    expect(again.status).toBe(404);
    expect((again.json as { error: { code: string } }).error.code).toBe('FaultNotFound');

    const all = await call('DELETE', '/api/faults');
    expect(all.status).toBe(204);
    expect((await call('GET', '/api/faults')).json).toEqual({ value: [] });
    expect(await client.hlen(FAULT_KEYS.rules)).toBe(0);
    expect((await ruleEvents()).map(({ details }) => details)).toEqual([
      { change: 'added', id: one.id, name: 'one' },
      { change: 'added', id: two.id, name: 'two' },
      { change: 'added', id: three.id, name: 'three' },
      { change: 'removed', id: one.id, name: 'one' },
      { change: 'removed', id: two.id, name: 'two' },
      { change: 'removed', id: three.id, name: 'three' },
    ]);
    expect((await call('DELETE', '/api/faults')).status).toBe(204);
  });
});
