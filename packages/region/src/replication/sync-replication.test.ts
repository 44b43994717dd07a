import { ACK_CHANNEL } from '@vaultover/contract';
import { createRedisClient, type RedisClient } from '@vaultover/foundation/redis';
import { createRedisProvider, type RedisProvider, slotOf } from '@vaultover/local-redis';
import { ackKey } from '@vaultover/replication';
import { logKeys } from '@vaultover/vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegionMetrics } from '../region-metrics.ts';
import { SyncReplication } from './sync-replication.ts';

/** The first vault name whose keys fall in `[from, to]`: on a cluster, the slots of one master. */
function vaultInSlots(from: number, to: number): string {
  for (let i = 0; ; i++) {
    const slot = slotOf(logKeys(`v${i}`).position);
    if (slot >= from && slot <= to) return `v${i}`;
  }
}

// redis-cli gives the first master slots 0–5460 and the third 10923–16383: two vaults on two nodes,
// whose acknowledgements a cluster cannot read in one MGET.
const [V1, V2, V3] = [vaultInSlots(0, 5460), vaultInSlots(10_923, 16_383), vaultInSlots(5461, 10_922)] as [
  string,
  string,
  string,
];

describe.each(['embedded', 'cluster'] as const)('SyncReplication on a store of kind %s', (kind) => {
  let provider: RedisProvider;
  let redis: RedisClient;
  let sync: SyncReplication;

  beforeAll(async () => {
    provider = createRedisProvider({ kind });
    const [instance] = await provider.start(['primary'], { stores: true });
    if (!instance) throw new Error('no redis');
    redis = createRedisClient(instance.url);
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

  it('wakes the writes waiting for an acknowledgement when a replicator announces it', async () => {
    await redis.set(logKeys(V1).position, 7);
    await redis.set(logKeys(V2).position, 3);
    const order: string[] = [];
    const first = sync.waitForSecondaries(V1).then(() => order.push('v1'));
    const second = sync.waitForSecondaries(V2).then(() => order.push('v2'));
    // Both are waiting: their acknowledgements are below their positions.
    await redis.set(ackKey(V2, 'northeurope'), 3);
    await redis.publish(ACK_CHANNEL, 'northeurope');
    await second;
    expect(order).toEqual(['v2']);
    await redis.set(ackKey(V1, 'northeurope'), 7);
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
      await redis.set(logKeys(V3).position, 2);
      await expect(quick.waitForSecondaries(V3)).rejects.toMatchObject({
        status: 503,
        code: 'ServiceUnavailable',
        message: expect.stringContaining('not replicated to northeurope within 150 ms'),
      });
    } finally {
      await quick.close();
    }
  });
});
