import { closedPort, redisForFile } from '@vaultover/testkit';
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

  it('is undefined for a region whose store it was not given, or whose store refuses connections', async () => {
    const refused = `redis://127.0.0.1:${await closedPort()}`;
    const positions = new StorePositions(new Map([['westeurope', refused]]));
    expect(await positions.position('westeurope')).toBeUndefined();
    expect(await positions.position('northeurope')).toBeUndefined();
  });
});
