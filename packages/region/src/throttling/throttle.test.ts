import { type RedisClient, scanKeys } from '@vaultover/foundation/redis';
import { ManualClock, startTestRedis, type TestRedis } from '@vaultover/testkit';
import type { OperationName } from '@vaultover/vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Throttle, type ThrottleDecision, type ThrottledRequest, throttleKeys } from './throttle.ts';
import { effectiveLimits, REAL_LIMITS, type ThrottleLimits } from './throttle-settings.ts';

// The throttle against a real Redis, on a manual clock: the window's arithmetic, its sliding, the
// weights read from stored key documents. The HTTP side (429 body, Retry-After, the SDK) is in
// test/region/throttling.test.ts. On one server and on a Redis Cluster: the window script's keys (the
// window, its sum, the key it weighs) carry the vault's hash tag, so it runs on the node of that slot.

let redis: TestRedis | undefined;
let client: RedisClient;
let vaults = 0;

/** A vault name of its own per test: windows never carry over between tests. */
function newVault(): string {
  vaults += 1;
  return `thr${vaults}`;
}

function setup(limits: ThrottleLimits | undefined = REAL_LIMITS) {
  if (!limits) throw new Error('limits expected');
  const clock = new ManualClock();
  return { clock, throttle: new Throttle({ redis: client, limits, clock }) };
}

async function decide(
  throttle: Throttle,
  operation: OperationName,
  request: ThrottledRequest,
): Promise<ThrottleDecision> {
  const decision = await throttle.decide(operation, request);
  if (!decision) throw new Error(`${operation} is not throttled`);
  return decision;
}

/** `count` decisions at once (concurrently), and how many were admitted. */
async function burst(
  throttle: Throttle,
  count: number,
  operation: OperationName,
  request: ThrottledRequest,
): Promise<{ admitted: number; decisions: ThrottleDecision[] }> {
  const decisions = await Promise.all(
    Array.from({ length: count }, () => decide(throttle, operation, request)),
  );
  return { admitted: decisions.filter((d) => d.admitted).length, decisions };
}

/** Stores a key's versions as the key store does: hash `o:key:<name>`, `head` and `v:<version>` documents. */
async function storeKey(
  vault: string,
  name: string,
  versions: Record<string, { kty: string; keySize?: number }>,
  head: string,
): Promise<void> {
  const fields: string[] = ['head', head];
  for (const [version, doc] of Object.entries(versions)) {
    // Other fields as a real document has them, so the script reads past them.
    fields.push(
      `v:${version}`,
      JSON.stringify({ ...doc, keyOps: ['sign'], privateKey: 'x'.repeat(3000), tags: { kty: 'EC' } }),
    );
  }
  await client.hset(`vo:{${vault}}:o:key:${name}`, ...fields);
}

describe.each(['one server', 'a cluster'] as const)('on %s', (shape) => {
  beforeAll(async () => {
    redis = await startTestRedis('throttle', { cluster: shape === 'a cluster' });
    client = redis.storeClient();
  });

  afterAll(async () => {
    await redis?.stop();
  });

  describe('Throttle', () => {
    it('admits exactly the limit of a concurrent burst of secret creations and refuses the rest', async () => {
      const { throttle, clock } = setup();
      const vault = newVault();
      const { admitted, decisions } = await burst(throttle, 400, 'SecretSet', { vault });
      expect(admitted).toBe(300);
      const refused = decisions.filter((d) => !d.admitted);
      expect(refused).toHaveLength(100);
      // All admitted at the same instant: room again when they leave the window, 10 s later.
      expect(new Set(refused.map((d) => d.retryAt))).toEqual(new Set([clock.now() + 10_000]));
      expect(refused[0]).toMatchObject({ class: 'secret-create', weight: 1 });
    });

    it('counts each vault and each class on its own', async () => {
      const { throttle } = setup();
      const [full, other] = [newVault(), newVault()];
      expect((await burst(throttle, 300, 'SecretSet', { vault: full })).admitted).toBe(300);
      expect(await decide(throttle, 'SecretSet', { vault: full })).toMatchObject({ admitted: false });
      expect(await decide(throttle, 'SecretSet', { vault: other })).toMatchObject({ admitted: true });
      // Reads of the full vault are vault transactions, a class of their own.
      expect(await decide(throttle, 'SecretGet', { vault: full })).toMatchObject({
        admitted: true,
        class: 'vault-other',
      });
      expect(await throttle.decide('VaultPut', { vault: full })).toBeUndefined();
    });

    it('slides: room comes back exactly when the oldest admitted request leaves the window', async () => {
      const { throttle, clock } = setup();
      const vault = newVault();
      const start = clock.now();
      expect((await burst(throttle, 100, 'SecretSet', { vault })).admitted).toBe(100);
      await clock.advance(4000);
      expect((await burst(throttle, 250, 'SecretSet', { vault })).admitted).toBe(200);
      await clock.advance(5999); // start + 9999: the first hundred are still inside
      expect(await decide(throttle, 'SecretSet', { vault })).toMatchObject({
        admitted: false,
        retryAt: start + 10_000,
      });
      await clock.advance(1); // start + 10 000: they leave, and only they
      const { admitted, decisions } = await burst(throttle, 150, 'SecretSet', { vault });
      expect(admitted).toBe(100);
      expect(decisions.find((d) => !d.admitted)?.retryAt).toBe(start + 14_000);
      await clock.advance(4000);
      expect((await burst(throttle, 250, 'SecretSet', { vault })).admitted).toBe(200);
    });

    it('does not count refused requests: a full window empties at the same time however often it refused', async () => {
      const { throttle, clock } = setup();
      const vault = newVault();
      const start = clock.now();
      expect((await burst(throttle, 300, 'SecretSet', { vault })).admitted).toBe(300);
      for (let i = 0; i < 9; i++) {
        await clock.advance(1000);
        const { admitted, decisions } = await burst(throttle, 100, 'SecretSet', { vault });
        expect(admitted).toBe(0);
        expect(new Set(decisions.map((d) => d.retryAt))).toEqual(new Set([start + 10_000]));
      }
      await clock.advance(1000);
      expect((await burst(throttle, 301, 'SecretSet', { vault })).admitted).toBe(300);
    });

    it('leaves its keys outside the vault prefix, expiring with the window', async () => {
      const { throttle } = setup();
      const vault = newVault();
      await storeKey(vault, 'k', { a: { kty: 'EC' } }, 'a');
      await decide(throttle, 'KeySign', { vault, keyName: 'k' });
      await decide(throttle, 'SecretGet', { vault });
      const { window, sum } = throttleKeys(vault, 'key-ops');
      expect(window).toBe(`vo:throttle:{${vault}}:key-ops`);
      for (const key of [window, sum]) {
        // Set to the window (10 s) at the decision, some time before this read on a busy machine.
        const ttl = await client.pttl(key);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(10_000);
      }
      // What replication digests and snapshots, and a vault purge deletes: the vault's state only.
      const stateKeys: string[] = [];
      for await (const page of scanKeys(client, `vo:{${vault}}:*`)) stateKeys.push(...page);
      expect(stateKeys).toEqual([`vo:{${vault}}:o:key:k`]);
    });
  });

  describe('Throttle weights', () => {
    it.each([
      ['software RSA 4096', 500, { kty: 'RSA', keySize: 4096 }],
      ['software RSA 3072', 1000, { kty: 'RSA', keySize: 3072 }],
      ['software RSA 2048', 4000, { kty: 'RSA', keySize: 2048 }],
      ['software EC', 4000, { kty: 'EC' }],
      ['HSM RSA 4096', 250, { kty: 'RSA-HSM', keySize: 4096 }],
      ['HSM RSA 3072', 500, { kty: 'RSA-HSM', keySize: 3072 }],
      ['HSM RSA 2048', 2000, { kty: 'RSA-HSM', keySize: 2048 }],
      ['HSM EC', 2000, { kty: 'EC-HSM' }],
    ])('refuses operations of a %s key after %i, the real limit', async (_name, limit, doc) => {
      const { throttle } = setup();
      const vault = newVault();
      await storeKey(vault, 'k', { v1: doc }, 'v1');
      let admitted = 0;
      // In bursts of 500, so that the 4 000 of the lightest keys stay quick.
      for (let sent = 0; sent < limit + 1; sent += 500) {
        const count = Math.min(500, limit + 1 - sent);
        admitted += (await burst(throttle, count, 'KeySign', { vault, keyName: 'k' })).admitted;
      }
      expect(admitted).toBe(limit);
    });

    it('enforces the limits on their weighted sum: 250 RSA 4096 operations leave room for 2,000 EC ones', async () => {
      const { throttle } = setup();
      const vault = newVault();
      await storeKey(vault, 'big', { v: { kty: 'RSA', keySize: 4096 } }, 'v');
      await storeKey(vault, 'ec', { v: { kty: 'EC' } }, 'v');
      expect((await burst(throttle, 250, 'KeyDecrypt', { vault, keyName: 'big' })).admitted).toBe(250);
      const ec = await burst(throttle, 2001, 'KeyVerify', { vault, keyName: 'ec' });
      expect(ec.admitted).toBe(2000);
      // The list has no key: it weighs as a software RSA 2048 operation, 1 of 4 000.
      expect(await decide(throttle, 'KeyList', { vault })).toMatchObject({ admitted: false, weight: 1 });
    });

    it('weighs by the version named, and as the default when the key or version is missing', async () => {
      const { throttle } = setup();
      const vault = newVault();
      await storeKey(vault, 'k', { old: { kty: 'RSA-HSM', keySize: 4096 }, new: { kty: 'EC' } }, 'new');
      const weight = async (request: Partial<ThrottledRequest>) =>
        (await decide(throttle, 'KeyGet', { vault, ...request })).weight;
      expect(await weight({ keyName: 'k' })).toBe(1);
      expect(await weight({ keyName: 'k', keyVersion: '' })).toBe(1);
      expect(await weight({ keyName: 'k', keyVersion: 'old' })).toBe(16);
      expect(await weight({ keyName: 'k', keyVersion: 'gone' })).toBe(1);
      expect(await weight({ keyName: 'missing' })).toBe(1);
      expect(await weight({})).toBe(1);
    });

    it('weighs key creations by the HSM flag of the body, rotations by the stored key', async () => {
      const { throttle } = setup();
      const [software, hsm, rotations] = [newVault(), newVault(), newVault()];
      expect((await burst(throttle, 21, 'KeyCreate', { vault: software })).admitted).toBe(20);
      expect((await burst(throttle, 11, 'KeyImport', { vault: hsm, hsm: true })).admitted).toBe(10);
      await storeKey(rotations, 'k', { v: { kty: 'EC-HSM' } }, 'v');
      const rotate = await burst(throttle, 11, 'KeyRotate', { vault: rotations, keyName: 'k' });
      expect(rotate.admitted).toBe(10);
      expect(rotate.decisions[0]).toMatchObject({ class: 'key-create', weight: 2 });
    });

    it('weighs custom limits the same way: a budget of 16 takes two RSA 4096 operations', async () => {
      const limits = effectiveLimits({
        mode: 'custom',
        limits: {
          keyOpsSoftware: { rsa2048: 16, rsa3072: 4, rsa4096: 2, ec: 16 },
          keyOpsHsm: { rsa2048: 8, rsa3072: 2, rsa4096: 1, ec: 8 },
        },
      });
      const { throttle } = setup(limits);
      const vault = newVault();
      await storeKey(vault, 'big', { v: { kty: 'RSA', keySize: 4096 } }, 'v');
      const { admitted, decisions } = await burst(throttle, 3, 'KeyEncrypt', { vault, keyName: 'big' });
      expect(admitted).toBe(2);
      expect(decisions[0]?.weight).toBe(8);
    });
  });
});
