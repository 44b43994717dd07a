import type { Cluster, Redis } from 'ioredis';
import { isRedisCluster, type RedisClient } from './redis-client.ts';

const SCAN_COUNT = 1000;

/**
 * Every key matching `pattern`, a page at a time. On a cluster SCAN only walks the node it is sent to,
 * so each master is scanned in turn (replicas hold the same keys); on one server it is a plain SCAN.
 * Like SCAN, a key may come twice, and a key written meanwhile may or may not come.
 */
export async function* scanKeys(client: RedisClient, pattern: string): AsyncGenerator<string[]> {
  const nodes: readonly Redis[] = isRedisCluster(client) ? await mastersOf(client) : [client];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
      if (keys.length > 0) yield keys;
      cursor = next;
    } while (cursor !== '0');
  }
}

/**
 * The masters a cluster client knows: none before it has read the layout, so a client not yet ready is
 * first made to (a PING waits for it, as every command does).
 */
async function mastersOf(cluster: Cluster): Promise<Redis[]> {
  if (cluster.status !== 'ready') await cluster.ping();
  return cluster.nodes('master');
}
