import { attemptsByRequestId, type FaultRule, readRequests, storeFaultRule } from '@vaultover/contract';
import { FailoverStore } from '@vaultover/control';
import { eventually, startTestRedis, type TestRedis } from '@vaultover/testkit';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, rawRequest, secretClient } from '../support/clients.ts';
import { normalState } from '../support/failover-states.ts';
import { startTestRegion, type TestRegion } from '../support/region.ts';

// The request log (docs/region-api.md#request-log): with `requestLog` on, a region node writes every
// request it ends to the control Redis, with its x-ms-client-request-id, so that the attempts of each
// logical request and the faults that hit them can be counted on the server.

const REGION = 'westeurope';
let control: TestRedis;
let controlClient: Redis;
let region: TestRegion;

beforeAll(async () => {
  control = await startTestRedis('request-log-control');
  controlClient = control.client();
  await new FailoverStore(controlClient).ensure(normalState(1, REGION));
  // Shares database 3 (see TestRedisOptions.externalDb): secret names `rl-*`.
  region = await startTestRegion({
    externalDb: 3,
    region: REGION,
    node: { control: { redisUrl: control.url, requestLog: true } },
  });
  await eventually(() => expect(region.node.mode.writable).toBe(true));
  await secretClient(region, 'officer').setSecret('rl-read', 'value');
});

afterAll(async () => {
  await region?.close();
  await control?.stop();
});

async function addRule(rule: Omit<FaultRule, 'createdAt' | 'name'>): Promise<FaultRule> {
  const stored: FaultRule = { name: 'test', createdAt: Date.now(), ...rule };
  await storeFaultRule(controlClient, stored);
  await eventually(() => expect(region.node.faultRules?.ruleIds).toContain(stored.id));
  return stored;
}

describe('the request log', () => {
  it('holds every attempt of an SDK call under its request id, with the faults that hit each', async () => {
    const since = Date.now();
    const rule = await addRule({
      id: 'rl-twice',
      match: { operations: ['SecretGet'] },
      action: { type: 'error', status: 503, code: 'ServiceUnavailable', message: 'injected' },
      schedule: { perRequest: 2 },
    });
    const client = secretClient(region, 'officer', region.url, { retryOptions: { retryDelayInMs: 10 } });
    expect((await client.getSecret('rl-read')).value).toBe('value');
    const logged = await eventually(async () => {
      const found = (await readRequests(controlClient, since)).filter((r) => r.operation === 'SecretGet');
      expect(found).toHaveLength(4);
      return found;
    });
    expect(new Set(logged.map((r) => r.requestId)).size).toBe(1);
    // The new client's first request is the bearer challenge's (401): logged, not an attempt of the call.
    expect(logged.map((r) => [r.status, r.faults])).toEqual([
      [401, []],
      [503, [rule.id]],
      [503, [rule.id]],
      [200, []],
    ]);
    expect(logged.every((r) => r.region === REGION && r.time >= since)).toBe(true);
    expect([...attemptsByRequestId(logged).values()]).toEqual([3]);
  });

  it('logs a request that got no answer (a reset) with status 0 and the rule that reset it', async () => {
    const since = Date.now();
    await addRule({ id: 'rl-reset', match: { operations: ['SecretList'] }, action: { type: 'reset' } });
    await expect(
      rawRequest(region, {
        path: `/secrets?${API}`,
        principal: 'officer',
        headers: { 'x-ms-client-request-id': 'rl-reset-1' },
      }),
    ).rejects.toBeDefined();
    const logged = await eventually(async () => {
      const found = (await readRequests(controlClient, since)).filter((r) => r.requestId === 'rl-reset-1');
      expect(found).toHaveLength(1);
      return found;
    });
    expect(logged[0]).toMatchObject({ operation: 'SecretList', status: 0, faults: ['rl-reset'] });
  });
});
