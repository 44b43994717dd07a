import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { THROTTLED_BODY } from '@vaultover/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, type RawResponse, rawRequest, secretClient, shiftTime } from '../support/clients.ts';
import { startTestRegion, type TestRegion } from '../support/region.ts';

// Throttling through HTTPS and the real SDK (docs/chaos.md#throttling): one region at the real limits
// without Retry-After (as the real service answers), one with small custom limits and Retry-After. The
// window's arithmetic on a manual clock is in packages/region/src/throttling/throttle.test.ts.

// Database 3 is shared with bad-input, certificates-bad-input and read-only-mode: the vaults here are
// this file's own (suffixed per run), and windows are per vault.
const RUN = Date.now().toString(36).slice(-6);
const BURST = `thrb${RUN}`;
const QUIET = `thrq${RUN}`;
const RETRY = `thrr${RUN}`;
const KEYS_RSA = `thrk${RUN}`;
const KEYS_EC = `thre${RUN}`;
const CREATES = `thrc${RUN}`;
const SHIFTED = `thrs${RUN}`;

let real: TestRegion;
let custom: TestRegion;

beforeAll(async () => {
  real = await startTestRegion({
    externalDb: 3,
    region: 'thrreal',
    extraVaults: [{ name: BURST }, { name: QUIET }],
    node: { throttling: { mode: 'real' } },
  });
  custom = await startTestRegion({
    externalDb: 3,
    region: 'thrcustom',
    extraVaults: [
      { name: RETRY },
      { name: KEYS_RSA },
      { name: KEYS_EC },
      { name: CREATES },
      { name: SHIFTED },
    ],
    node: {
      throttling: {
        mode: 'custom',
        retryAfterSeconds: 1,
        // Key operations: a budget of 16, RSA 4096 (software) weighs 8, EC 1; creations: HSM weighs 2 of 4.
        limits: {
          secretCreate: 2,
          keyCreateSoftware: 4,
          keyCreateHsm: 2,
          keyOpsSoftware: { rsa2048: 16, rsa3072: 4, rsa4096: 2, ec: 16 },
          keyOpsHsm: { rsa2048: 8, rsa3072: 2, rsa4096: 1, ec: 8 },
        },
      },
    },
  });
}, 60_000);

afterAll(async () => {
  await real?.close();
  await custom?.close();
});

function vaultRequest(region: TestRegion, vault: string, method: string, path: string, body?: unknown) {
  return rawRequest(region, {
    method,
    hostname: `${vault}.localhost`,
    path: `${path}?${API}`,
    principal: 'admin',
    ...(body === undefined ? {} : { body }),
  });
}

function expectThrottled(response: RawResponse, retryAfter: string | undefined): void {
  expect(response.status, response.text).toBe(429);
  expect(response.json).toEqual(THROTTLED_BODY);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(response.headers['retry-after']).toBe(retryAfter);
}

/** The status of every attempt a client sends, after its retry policy (so retries show). */
function attemptLog(): { policy: PipelinePolicy; statuses: number[] } {
  const statuses: number[] = [];
  return {
    statuses,
    policy: {
      name: 'vaultover-test-attempts',
      sendRequest: async (request, next) => {
        const response = await next(request);
        statuses.push(response.status);
        return response;
      },
    },
  };
}

async function metric(region: TestRegion, series: string): Promise<number> {
  const text = (await rawRequest(region, { path: '/metrics' })).text;
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

describe('throttling at the real limits', () => {
  it('lets exactly 300 of 400 concurrent secret creations through and refuses 100 with the real 429', async () => {
    const started = performance.now();
    const responses = await Promise.all(
      Array.from({ length: 400 }, (_, i) =>
        vaultRequest(real, BURST, 'PUT', `/secrets/burst-${i}`, { value: `v${i}` }),
      ),
    );
    // The count is exact only if the burst fits in one window.
    expect(performance.now() - started).toBeLessThan(10_000);
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(300);
    const refused = responses.filter((r) => r.status === 429);
    expect(refused).toHaveLength(100);
    for (const response of refused) expectThrottled(response, undefined);
    expect(
      await metric(real, 'vaultover_throttled_requests_total{class="secret-create",region="thrreal"}'),
    ).toBe(100);
  });

  it('leaves other vaults and other classes alone', async () => {
    expect((await vaultRequest(real, QUIET, 'PUT', '/secrets/calm', { value: 'v' })).status).toBe(200);
    expect((await vaultRequest(real, QUIET, 'GET', '/secrets/calm/')).status).toBe(200);
    // The burst vault still reads: reads are vault transactions, counted apart from creations.
    expect((await vaultRequest(real, BURST, 'GET', '/secrets/burst-0/')).status).toBe(200);
  });

  it('gives the SDK a 429 it does not retry: no Retry-After, and the default policy retries only 5xx and 408', async () => {
    const attempts = attemptLog();
    const client = secretClient(real, 'admin', real.vaultUrl(BURST), {
      retryOptions: { maxRetries: 3 }, // the SDK's default
      additionalPolicies: [{ policy: attempts.policy, position: 'perRetry' }],
    });
    const started = performance.now();
    await expect(client.setSecret('one-more', 'v')).rejects.toMatchObject({
      statusCode: 429,
      code: 'Throttled',
      message: THROTTLED_BODY.error.message,
    });
    expect(attempts.statuses.filter((s) => s === 429)).toEqual([429]);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('throttling at custom limits', () => {
  it('sends Retry-After when configured, and the SDK then retries after it', async () => {
    for (const name of ['a', 'b'])
      expect((await vaultRequest(custom, RETRY, 'PUT', `/secrets/${name}`, { value: 'v' })).status).toBe(200);
    expectThrottled(await vaultRequest(custom, RETRY, 'PUT', '/secrets/c', { value: 'v' }), '1');
    const attempts = attemptLog();
    const client = secretClient(custom, 'admin', custom.vaultUrl(RETRY), {
      retryOptions: { maxRetries: 2 },
      additionalPolicies: [{ policy: attempts.policy, position: 'perRetry' }],
    });
    const started = performance.now();
    await expect(client.setSecret('c', 'v')).rejects.toMatchObject({ statusCode: 429, code: 'Throttled' });
    // The first attempt and two retries, each a second after the last refusal.
    expect(attempts.statuses.filter((s) => s === 429)).toEqual([429, 429, 429]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(1900);
  });

  it('keeps windows in real time: a time shift of the vault clock frees nothing', async () => {
    for (const name of ['a', 'b'])
      expect((await vaultRequest(custom, SHIFTED, 'PUT', `/secrets/${name}`, { value: 'v' })).status).toBe(
        200,
      );
    expectThrottled(await vaultRequest(custom, SHIFTED, 'PUT', '/secrets/c', { value: 'v' }), '1');
    await shiftTime(custom, { days: 1 });
    expectThrottled(await vaultRequest(custom, SHIFTED, 'PUT', '/secrets/c', { value: 'v' }), '1');
  });

  it("weighs key operations by the key's size: two reads of an RSA 4096 key fill a budget of 16, sixteen of an EC key", async () => {
    const rsa = await vaultRequest(custom, KEYS_RSA, 'POST', '/keys/big/create', {
      kty: 'RSA',
      key_size: 4096,
    });
    expect(rsa.status, rsa.text).toBe(200);
    const ec = await vaultRequest(custom, KEYS_EC, 'POST', '/keys/small/create', { kty: 'EC' });
    expect(ec.status, ec.text).toBe(200);
    const rsaReads = await Promise.all(
      Array.from({ length: 3 }, () => vaultRequest(custom, KEYS_RSA, 'GET', '/keys/big/')),
    );
    expect(rsaReads.map((r) => r.status).sort()).toEqual([200, 200, 429]);
    const ecReads = await Promise.all(
      Array.from({ length: 17 }, () => vaultRequest(custom, KEYS_EC, 'GET', '/keys/small/')),
    );
    expect(ecReads.filter((r) => r.status === 200)).toHaveLength(16);
    expectThrottled(ecReads.find((r) => r.status === 429) as RawResponse, '1');
  });

  it('weighs a key creation by the type its body asks for, and still hands the handler that body', async () => {
    // Two EC-HSM creations weigh 2 each: the budget of 4 is spent, so even a software one is refused.
    for (const name of ['h1', 'h2']) {
      const created = await vaultRequest(custom, CREATES, 'POST', `/keys/${name}/create`, { kty: 'EC-HSM' });
      expect(created.status, created.text).toBe(200);
      expect((created.json as { key: { kty: string } }).key.kty).toBe('EC-HSM');
    }
    expectThrottled(await vaultRequest(custom, CREATES, 'POST', '/keys/s1/create', { kty: 'EC' }), '1');
    // A body that is not JSON gets its 400 from the handler, as without throttling (it weighs as software).
    const bad = await vaultRequest(custom, KEYS_EC, 'POST', '/keys/bad/create', '{not json');
    expect(bad.status, bad.text).toBe(400);
    expect(bad.json).toMatchObject({ error: { code: 'BadParameter' } });
  });
});
