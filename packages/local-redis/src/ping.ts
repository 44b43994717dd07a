import { redisReplyCode } from '@vaultover/foundation';
import { createRedisClient } from '@vaultover/foundation/redis';

const LOADING_RETRY_MS = 50;

export interface PingOptions {
  /**
   * Keep asking while redis answers `LOADING` (it is still reading its AOF/RDB at startup), until a real
   * PONG or timeoutMs. Without it a LOADING reply is a failure like any other.
   */
  waitWhileLoading?: boolean;
}

/** Redis's LOADING reply, by its code word (the reply's first word). */
function isLoadingError(error: unknown): boolean {
  return redisReplyCode(error, ['LOADING']) !== undefined;
}

/**
 * Connects once, sends PING and disconnects; rejects with the client's error when there is no PONG. A
 * cluster's client connects once it has read the layout and the cluster serves every slot.
 */
export async function pingRedis(url: string, timeoutMs: number, options: PingOptions = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const client = createRedisClient(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    // Our own PING loop decides readiness (ioredis's INFO-based check would hide LOADING from it).
    enableReadyCheck: false,
  });
  // Without a listener ioredis prints "Unhandled error event"; the failure reaches us through connect().
  client.on('error', () => {});
  try {
    await client.connect();
    for (;;) {
      try {
        const reply = await client.ping();
        if (reply !== 'PONG') throw new Error(`unexpected reply to PING: ${reply}`);
        return;
      } catch (error) {
        if (!options.waitWhileLoading || !isLoadingError(error) || Date.now() >= deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, LOADING_RETRY_MS));
      }
    }
  } finally {
    client.disconnect();
  }
}
