import { Redis } from 'ioredis';

/** Connects once, sends PING and disconnects; rejects with the client's error when there is no PONG. */
export async function pingRedis(url: string, timeoutMs: number): Promise<void> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  // Without a listener ioredis prints "Unhandled error event"; the failure reaches us through connect().
  client.on('error', () => {});
  try {
    await client.connect();
    const reply = await client.ping();
    if (reply !== 'PONG') throw new Error(`unexpected reply to PING: ${reply}`);
  } finally {
    client.disconnect();
  }
}
