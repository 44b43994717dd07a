import { readdir } from 'node:fs/promises';
import { createRedisClient, type RedisClient } from '@vaultover/foundation/redis';
import { anonymousRedisReply, isProcessAlive, pollUntil, tempDir } from '@vaultover/testkit';
import { onCleanup } from '@vaultover/testkit/cleanup';
import { describe, expect, it } from 'vitest';
import {
  createRedisProvider,
  type RedisDurability,
  type RedisInstance,
  readClusterLayout,
  UnsupportedRedisOperationError,
} from './index.ts';

// A region store as a Redis Cluster: six redis-server children (three masters, one replica each) with
// the deployment's users on every node, which survive the crash of one master.

/** A start, a promotion (5–6 s here, up to 20 s allowed) and a restart, on a machine a whole test run keeps busy. */
const FAILOVER_TEST_TIMEOUT_MS = 90_000;

async function clusterProvider(durability: RedisDurability = 'none') {
  const base = await tempDir('vaultover-cluster-');
  const provider = createRedisProvider({ kind: 'cluster', baseDir: base.path, durability });
  onCleanup(async () => {
    await provider.stop();
    await base.remove();
  });
  return { provider, baseDir: base.path };
}

async function startStore(provider: ReturnType<typeof createRedisProvider>): Promise<RedisInstance> {
  const [store] = await provider.start(['westeurope'], { stores: true });
  if (!store) throw new Error('no store');
  return store;
}

function clientOf(url: string): RedisClient {
  const client = createRedisClient(url, { maxRetriesPerRequest: 2 });
  client.on('error', () => {}); // a node killed under it: the commands that fail say so
  onCleanup(() => client.disconnect());
  return client;
}

/** Writes `key` and waits until its master's replica has it too (WAIT 1: the pipeline goes to key's node). */
async function writeReplicated(client: RedisClient, key: string, value: string): Promise<void> {
  const replies = await client.pipeline().set(key, value).wait(1, 5000).exec();
  expect(replies?.map(([error]) => error)).toEqual([null, null]);
  expect(replies?.[1]?.[1]).toBe(1);
}

describe('embedded Redis Cluster', () => {
  it('gives a store three masters with a replica each, users on every node, and the control Redis one server', async () => {
    const { provider, baseDir } = await clusterProvider();
    expect(provider.kind).toBe('cluster');
    const [[store], [control]] = await Promise.all([
      startStore(provider).then((s) => [s]),
      provider.start(['control']),
    ]);
    if (!store?.nodes || !control) throw new Error('expected a clustered store and a control Redis');
    expect(store.url.startsWith('redis-cluster://admin:')).toBe(true);
    expect(control.url.startsWith('redis://admin:')).toBe(true);
    expect(control.nodes).toBeUndefined();
    expect(store.nodes).toHaveLength(6);

    const layout = await readClusterLayout(store.url);
    expect(layout.nodes.filter((node) => node.role === 'master')).toHaveLength(3);
    expect(layout.nodes.filter((node) => node.role === 'replica')).toHaveLength(3);
    expect(
      layout.nodes.flatMap((node) => node.slots).reduce((sum, [from, to]) => sum + to - from + 1, 0),
    ).toBe(16_384);
    for (const node of store.nodes) expect(await anonymousRedisReply(node.port, 'PING')).toBe('NOAUTH');

    // A component's user reaches every slot through the cluster's client: vaults spread over the masters.
    const region = clientOf(store.urlAs('region'));
    const vaults = Array.from({ length: 12 }, (_, i) => `vault${i}`);
    for (const vault of vaults) await region.set(`vo:{${vault}}:pos`, vault);
    expect(await Promise.all(vaults.map((vault) => region.get(`vo:{${vault}}:pos`)))).toEqual(vaults);
    expect(new Set(vaults.map((vault) => layout.masterOf(`vo:{${vault}}:pos`)?.port)).size).toBeGreaterThan(
      1,
    );

    await provider.stop();
    for (const node of store.nodes) expect(isProcessAlive(node.pid as number)).toBe(false);
    expect(await readdir(baseDir)).toEqual([]);
  });

  it(
    "promotes a killed master's replica, which kept what it acknowledged; the master comes back as a replica",
    async () => {
      const { provider } = await clusterProvider();
      const store = await startStore(provider);
      const client = clientOf(store.url);
      const key = 'vo:{crash}:pos';
      await writeReplicated(client, key, 'before the crash');
      const before = await readClusterLayout(store.url);
      const master = before.masterOf(key);
      if (!master) throw new Error('no master serves the key');

      await provider.stopClusterNode('westeurope', master.port, 'SIGKILL');
      await pollUntil(
        "the master's replica is promoted",
        async () => {
          const now = await readClusterLayout(store.url);
          const serving = now.masterOf(key);
          return serving !== undefined && serving.port !== master.port;
        },
        { timeoutMs: 20_000, intervalMs: 100 },
      );
      expect(await client.get(key)).toBe('before the crash');
      await writeReplicated(client, key, 'after the promotion').catch(() => {
        // The promoted master has no replica until the old one is back: WAIT 1 times out, which is the point.
      });

      const restarted = await provider.restartClusterNode('westeurope', master.port);
      expect(restarted.nodes?.find((node) => node.port === master.port)?.pid).not.toBe(
        store.nodes?.find((node) => node.port === master.port)?.pid,
      );
      const after = await readClusterLayout(store.url);
      expect(after.nodes.find((node) => node.port === master.port)?.role).toBe('replica');
      await writeReplicated(client, key, 'replicated again');
      expect(await client.get(key)).toBe('replicated again');
    },
    FAILOVER_TEST_TIMEOUT_MS,
  );

  it('stops and restarts a whole cluster on the same ports, keeping its data with an AOF', async () => {
    const { provider } = await clusterProvider('aof-everysec');
    const store = await startStore(provider);
    const client = clientOf(store.url);
    const keys = Array.from({ length: 6 }, (_, i) => `vo:{restart${i}}:pos`);
    for (const key of keys) await client.set(key, key);

    await provider.stopInstance('westeurope', 'SIGKILL');
    for (const node of store.nodes ?? []) {
      await pollUntil(`node ${node.port} is gone`, () => !isProcessAlive(node.pid as number));
    }
    const back = await provider.restartInstance('westeurope');
    expect(back.nodes?.map((node) => node.port)).toEqual(store.nodes?.map((node) => node.port));
    const reader = clientOf(back.url);
    expect(await Promise.all(keys.map((key) => reader.get(key)))).toEqual(keys);
  });

  it('refuses cluster-node operations on a server, and on providers that own no process', async () => {
    const { provider } = await clusterProvider();
    const [control] = await provider.start(['control']);
    await expect(provider.stopClusterNode('control', control?.port ?? 0)).rejects.toBeInstanceOf(
      UnsupportedRedisOperationError,
    );
    const external = createRedisProvider({ kind: 'external', urls: [] });
    await expect(external.restartClusterNode('westeurope', 7000)).rejects.toBeInstanceOf(
      UnsupportedRedisOperationError,
    );
  });
});
