import { createHash } from 'node:crypto';
import { startTestRedis, type TestRedis } from '@vaultover/testkit';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vaultDigest } from './digest.ts';

let redis: TestRedis;
let db: Redis;
beforeAll(async () => {
  redis = await startTestRedis('digest');
  db = redis.client();
});
afterAll(async () => {
  await redis?.stop();
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('vaultDigest', () => {
  it('is the sha256 of the JSON of the sorted records, log, position and replication keys left out', async () => {
    await db.set('vo:{dg}:b', 'x');
    await db.hset('vo:{dg}:a', 'g', '2', 'f', '1');
    await db.zadd('vo:{dg}:c', 1, 'm');
    await db.set('vo:{dg}:pos', '3');
    await db.xadd('vo:{dg}:log', '1-0', 'v', '1');
    await db.set('vo:{dg}:repl:checkpoint', '3');
    expect(await vaultDigest(db, 'dg')).toBe(
      sha256('[["a","hash",[["f","1"],["g","2"]]],["b","string","x"],["c","zset",["m","1"]]]'),
    );
    expect(await vaultDigest(db, 'empty')).toBe(sha256('[]'));
  });

  it('hashes a vault of many pages as one list', async () => {
    const names = Array.from({ length: 2500 }, (_, i) => `k${String(i).padStart(4, '0')}`);
    await Promise.all(names.map((name) => db.set(`vo:{big}:${name}`, name)));
    const records = names.map((name) => JSON.stringify([name, 'string', name]));
    expect(await vaultDigest(db, 'big')).toBe(sha256(`[${records.join(',')}]`));
  });
});
