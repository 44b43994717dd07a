import { findFreePort } from '@vaultover/foundation';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createRedisProvider,
  ExternalRedisUnreachableError,
  RedisConfigError,
  type RedisInstance,
  UnsupportedRedisOperationError,
} from './index.ts';
import { pingRedis } from './ping.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A real Redis to point the external provider at. */
async function runningRedis(): Promise<RedisInstance> {
  const embedded = createRedisProvider({ kind: 'embedded' });
  cleanups.push(() => embedded.stop());
  const [instance] = await embedded.start(['backing']);
  if (!instance) throw new Error('expected an embedded instance');
  return instance;
}

describe('external provider', () => {
  it('maps names to the given URLs and leaves the servers running on stop', async () => {
    const backing = await runningRedis();
    const provider = createRedisProvider({ kind: 'external', urls: [backing.url] });

    const [instance] = await provider.start(['westeurope']);
    expect(instance).toMatchObject({ name: 'westeurope', host: '127.0.0.1', port: backing.port, pid: null });
    // The URL carries credentials: compared, never printed. Every component uses it as it is.
    expect(instance?.url === backing.url).toBe(true);
    expect(instance?.urlAs('region') === backing.url).toBe(true);
    await provider.stop();
    await pingRedis(backing.url, 1_000);
  });

  it('takes a cluster URL as it is, from the address of its first node', async () => {
    const embedded = createRedisProvider({ kind: 'cluster' });
    cleanups.push(() => embedded.stop());
    const [backing] = await embedded.start(['backing'], { stores: true });
    if (!backing) throw new Error('expected an embedded cluster');
    const provider = createRedisProvider({ kind: 'external', urls: { westeurope: backing.url } });
    const [instance] = await provider.start(['westeurope'], { stores: true });
    expect(instance).toMatchObject({ host: '127.0.0.1', port: backing.port, pid: null });
    expect(instance?.url === backing.url && instance.urlAs('region') === backing.url).toBe(true);
  });

  it('accepts URLs by name', async () => {
    const backing = await runningRedis();
    const provider = createRedisProvider({ kind: 'external', urls: { control: backing.url } });
    const [instance] = await provider.start(['control']);
    expect(instance?.url === backing.url).toBe(true);
  });

  it('names the URL that does not answer', async () => {
    const deadUrl = `redis://127.0.0.1:${await findFreePort()}`;
    const provider = createRedisProvider({ kind: 'external', urls: [deadUrl], startTimeoutMs: 2_000 });

    const error = await provider.start(['westeurope']).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ExternalRedisUnreachableError);
    expect((error as ExternalRedisUnreachableError).code).toBe('ExternalRedisUnreachable');
    expect((error as Error).message).toContain(deadUrl);
  });

  it('names a URL with a password without the password', async () => {
    const port = await findFreePort();
    const provider = createRedisProvider({
      kind: 'external',
      urls: [`redis://ops:hunter2@127.0.0.1:${port}`],
      startTimeoutMs: 2_000,
    });
    const error = (await provider.start(['westeurope']).catch((caught: unknown) => caught)) as Error;
    expect(error).toBeInstanceOf(ExternalRedisUnreachableError);
    expect(error.message).toContain(`redis://ops:***@127.0.0.1:${port}`);
    expect(error.message).not.toContain('hunter2');
  });

  it('needs one URL per name', async () => {
    const provider = createRedisProvider({ kind: 'external', urls: ['redis://127.0.0.1:1'] });
    await expect(provider.start(['westeurope', 'northeurope'])).rejects.toBeInstanceOf(RedisConfigError);
  });

  it('cannot stop or restart a server it does not own', async () => {
    const provider = createRedisProvider({ kind: 'external', urls: [] });
    await expect(provider.stopInstance('westeurope')).rejects.toBeInstanceOf(UnsupportedRedisOperationError);
    await expect(provider.restartInstance('westeurope')).rejects.toBeInstanceOf(
      UnsupportedRedisOperationError,
    );
  });
});
