import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRedisProvider, RedisConfigError } from './index.ts';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('createRedisProvider', () => {
  it('defaults to embedded', () => {
    vi.stubEnv('VAULTOVER_REDIS', undefined);
    expect(createRedisProvider().kind).toBe('embedded');
  });

  it('reads the kind and the external URLs from the environment', async () => {
    vi.stubEnv('VAULTOVER_REDIS', 'external');
    vi.stubEnv('VAULTOVER_REDIS_URLS', 'redis://127.0.0.1:1');
    const provider = createRedisProvider();
    expect(provider.kind).toBe('external');
    // Two names, one URL from the environment: proves the variable was read and split.
    await expect(provider.start(['a', 'b'])).rejects.toThrow(/only 1 URL/);
  });

  it('rejects an unknown kind in the environment', () => {
    vi.stubEnv('VAULTOVER_REDIS', 'kubernetes');
    expect(() => createRedisProvider()).toThrow(RedisConfigError);
  });
});
