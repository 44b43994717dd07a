import { redisNodesOf, redisUrlThrough } from '@vaultover/foundation/redis';
import { createRedisProvider, type RedisProvider } from '@vaultover/local-redis';
import { pollUntil, settledWithin } from '@vaultover/testkit';
import { onCleanup } from '@vaultover/testkit/cleanup';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy } from './test-helpers.ts';

let provider: RedisProvider;
let redisPort: number;
let redisUrl: string;

beforeAll(async () => {
  provider = createRedisProvider({ kind: 'embedded' });
  const [instance] = await provider.start(['link-proxy-test']);
  if (!instance) throw new Error('no redis instance');
  redisPort = instance.port;
  redisUrl = instance.url;
});
afterAll(() => provider.stop());

/**
 * An ioredis client, at `port` (the server's or a proxy's), that never reconnects or retries, so the test
 * sees exactly what the link does.
 */
function client(port: number): Redis {
  const through = new Map(redisNodesOf(redisUrl).map((node) => [node, { host: '127.0.0.1', port }]));
  const redis = new Redis(redisUrlThrough(redisUrl, through), {
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  // Errors reach the test through the commands it awaits; unlistened, ioredis would print them.
  redis.on('error', () => {});
  onCleanup(() => redis.disconnect());
  return redis;
}

/** Waits until Redis reports `count` clients blocked (so the XREAD surely went through the proxy). */
async function blockedClients(redis: Redis, count: number): Promise<void> {
  await pollUntil(`Redis has ${count} blocked clients`, async () =>
    (await redis.info('clients')).includes(`blocked_clients:${count}`),
  );
}

describe('the proxy in front of a real redis-server', () => {
  it('passes commands through', async () => {
    const proxy = await startProxy(redisPort);
    const redis = client(proxy.listenPort);
    expect(await redis.ping()).toBe('PONG');
    await redis.set('k', 'v');
    expect(await redis.get('k')).toBe('v');
  });

  it('a partition stalls PING and a blocking XREAD; after healing, new connections work, swallowed replies stay lost', async () => {
    const proxy = await startProxy(redisPort);
    const direct = client(redisPort);
    const replicator = client(proxy.listenPort);
    const pinger = client(proxy.listenPort);
    expect(await pinger.ping()).toBe('PONG');
    await direct.del('changes');

    // The replicator is blocked in XREAD when the partition starts.
    const read = replicator.xread('BLOCK', 0, 'STREAMS', 'changes', '$');
    await blockedClients(direct, 1);
    proxy.addToxic({ name: 'partition', type: 'blackhole', stream: 'both' });

    await direct.xadd('changes', '*', 'op', 'set');
    const ping = pinger.ping();
    expect(await settledWithin(read, 300)).toBe('pending');
    expect(await settledWithin(ping, 0)).toBe('pending');

    proxy.removeToxic('partition');
    const fresh = client(proxy.listenPort);
    expect(await fresh.ping()).toBe('PONG');
    expect(await fresh.xlen('changes')).toBe(1);
    // Redis answered the XREAD during the partition; that reply was swallowed and is gone for good,
    // and the PING never reached Redis. A client must time out and reconnect after a partition.
    expect(await settledWithin(read, 200)).toBe('pending');
    expect(await settledWithin(ping, 0)).toBe('pending');

    // Reusing a connection that lost bytes is worse than a stall: ioredis pairs replies with commands
    // in order, so the next reply is taken as the lost PING's and every later reply is off by one.
    const echoed = pinger.echo('after-heal');
    expect(await ping).toBe('after-heal');
    expect(await settledWithin(echoed, 200)).toBe('pending');
  });
});
