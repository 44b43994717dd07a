import { createRedisProvider, type RedisProvider } from '@vaultover/local-redis';
import { Redis } from 'ioredis';

/** An embedded control Redis for one test file, with clients closed on stop. */
export interface TestControlRedis {
  url: string;
  client(): Redis;
  stop(): Promise<void>;
}

export async function startControlRedis(): Promise<TestControlRedis> {
  const provider: RedisProvider = createRedisProvider({ kind: 'embedded' });
  const [instance] = await provider.start(['control']);
  if (!instance) throw new Error('the control Redis did not start');
  const clients: Redis[] = [];
  return {
    url: instance.url,
    client() {
      const client = new Redis(instance.url, { maxRetriesPerRequest: 2 });
      clients.push(client);
      return client;
    },
    async stop() {
      for (const client of clients) client.disconnect();
      await provider.stop();
    },
  };
}
