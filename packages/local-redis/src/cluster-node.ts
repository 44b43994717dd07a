import { createServerRedisClient } from '@vaultover/foundation/redis';
import type { Redis } from 'ioredis';

/**
 * Runs `fn` with a client of one cluster node at `url` (a node, not the cluster: what it says of itself
 * and of the others), failing fast rather than retrying, then disconnects.
 */
export async function withClusterNode<T>(url: string, fn: (node: Redis) => Promise<T>): Promise<T> {
  const client = createServerRedisClient(url, 'a cluster node', {
    lazyConnect: true,
    connectTimeout: 1000,
    commandTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableReadyCheck: false,
  });
  client.on('error', () => {}); // a node down is what the caller asks about: connect() rejects with it
  try {
    await client.connect();
    return await fn(client);
  } finally {
    client.disconnect();
  }
}
