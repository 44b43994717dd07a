import { describe, expect, it } from 'vitest';
import { createRedisProvider, NoContainerRuntimeError, type RedisInstance } from './index.ts';
import { pingRedis } from './ping.ts';

async function hasContainerRuntime(): Promise<boolean> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  return getContainerRuntimeClient().then(
    () => true,
    () => false,
  );
}

describe('containers provider', () => {
  it('starts a Redis container, or fails fast with a typed error when there is no runtime', async () => {
    const provider = createRedisProvider({ kind: 'containers' });
    try {
      const startedAt = performance.now();
      const outcome = await provider.start(['containers-check']).then(
        (instances): { instances: RedisInstance[] } => ({ instances }),
        (error: unknown) => ({ error }),
      );
      const elapsedMs = performance.now() - startedAt;

      if (await hasContainerRuntime()) {
        if ('error' in outcome) throw outcome.error;
        const [instance] = outcome.instances;
        await pingRedis(instance?.url ?? '', 5_000);
      } else {
        if (!('error' in outcome)) throw new Error('started a container although there is no runtime?');
        expect(outcome.error).toBeInstanceOf(NoContainerRuntimeError);
        expect((outcome.error as NoContainerRuntimeError).code).toBe('NoContainerRuntime');
        // Not a timing claim (it takes milliseconds on a quiet machine): it must not hang in retries,
        // which a bound far above any scheduling delay on a busy machine tells apart.
        expect(elapsedMs).toBeLessThan(30_000);
      }
    } finally {
      await provider.stop();
    }
  }, 180_000);
});
