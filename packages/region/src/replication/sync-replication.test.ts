import { ACK_CHANNEL } from '@vaultover/contract';
import { createRedisProvider, type RedisProvider } from '@vaultover/local-redis';
import { ackKey } from '@vaultover/replication';
import { logKeys } from '@vaultover/vault';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegionMetrics } from '../region-metrics.ts';
import { SyncReplication } from './sync-replication.ts';

let provider: RedisProvider;
let redis: Redis;
let sync: SyncReplication;

beforeAll(async () => {
  provider = createRedisProvider({ kind: 'embedded' });
  const [instance] = await provider.start(['primary']);
  if (!instance) throw new Error('no redis');
  redis = new Redis(instance.url);
  // The fallback poll is a minute: only an announcement can wake a waiting write within the test.
  sync = new SyncReplication({
    region: 'westeurope',
    redis,
    secondaries: ['northeurope'],
    timeoutMs: 4000,
    metrics: new RegionMetrics('westeurope'),
    fallbackPollMs: 60_000,
  });
  await sync.ready;
});

afterAll(async () => {
  await sync?.close();
  redis?.disconnect();
  await provider?.stop();
});

describe('SyncReplication', () => {
  it('wakes the writes waiting for an acknowledgement when a replicator announces it', async () => {
    await redis.set(logKeys('v1').position, 7);
    await redis.set(logKeys('v2').position, 3);
    const order: string[] = [];
    const first = sync.waitForSecondaries('v1').then(() => order.push('v1'));
    const second = sync.waitForSecondaries('v2').then(() => order.push('v2'));
    // Both are waiting: their acknowledgements are below their positions.
    await redis.set(ackKey('v2', 'northeurope'), 3);
    await redis.publish(ACK_CHANNEL, 'northeurope');
    await second;
    expect(order).toEqual(['v2']);
    await redis.set(ackKey('v1', 'northeurope'), 7);
    await redis.publish(ACK_CHANNEL, 'northeurope');
    await first;
    expect(order).toEqual(['v2', 'v1']);
  });

  it('refuses with 503 naming the secondary when no acknowledgement comes in time', async () => {
    const quick = new SyncReplication({
      region: 'westeurope',
      redis,
      secondaries: ['northeurope'],
      timeoutMs: 150,
      metrics: new RegionMetrics('westeurope'),
    });
    try {
      await redis.set(logKeys('v3').position, 2);
      await expect(quick.waitForSecondaries('v3')).rejects.toMatchObject({
        status: 503,
        code: 'ServiceUnavailable',
        message: expect.stringContaining('not replicated to northeurope within 150 ms'),
      });
    } finally {
      await quick.close();
    }
  });
});
