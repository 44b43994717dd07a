import { closedPort, redisForFile, startTestRedis } from '@vaultover/testkit';
import { logKeys, VAULT_INDEX_KEY } from '@vaultover/vault';
import { describe, expect, it } from 'vitest';
import { StorePositions } from './store-positions.ts';

const store = redisForFile('store-positions');

describe('StorePositions', () => {
  it("sums every indexed vault's position in the region's Redis", async () => {
    const redis = store.client;
    await redis.zadd(VAULT_INDEX_KEY, 0, 'a', 0, 'b', 0, 'gone');
    await redis.set(logKeys('a').position, '7');
    await redis.set(logKeys('b').position, '5');
    const positions = new StorePositions(new Map([['westeurope', store.server.url]]));
    expect(await positions.position('westeurope')).toBe(12);
  });

  it('sums the positions of a clustered store, whose vaults are on several masters', async () => {
    const cluster = await startTestRedis('store-positions-cluster', { cluster: true });
    try {
      const redis = cluster.storeClient();
      const vaults = Array.from({ length: 8 }, (_, i) => `vault${i}`);
      await redis.zadd(VAULT_INDEX_KEY, ...vaults.flatMap((vault) => [0, vault]));
      for (const [i, vault] of vaults.entries()) await redis.set(logKeys(vault).position, String(i + 1));
      const masters = await cluster.cluster?.layout();
      expect(
        new Set(vaults.map((vault) => masters?.masterOf(logKeys(vault).position)?.port)).size,
      ).toBeGreaterThan(1);
      const positions = new StorePositions(new Map([['westeurope', cluster.url]]));
      expect(await positions.position('westeurope')).toBe(36);
    } finally {
      await cluster.stop();
    }
  });

  it('is undefined for a region whose store it was not given, or whose store refuses connections', async () => {
    const refused = `redis://127.0.0.1:${await closedPort()}`;
    const positions = new StorePositions(new Map([['westeurope', refused]]));
    expect(await positions.position('westeurope')).toBeUndefined();
    expect(await positions.position('northeurope')).toBeUndefined();
  });
});
