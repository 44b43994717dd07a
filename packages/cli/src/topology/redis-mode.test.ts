import { tempDir } from '@vaultover/testkit';
import { onCleanup } from '@vaultover/testkit/cleanup';
import { describe, expect, it } from 'vitest';
import { type VaultoverConfig, validateConfig } from '../config/index.ts';
import { redisProviderOptions } from './redis-mode.ts';

async function configWith(redis: Record<string, unknown>): Promise<VaultoverConfig> {
  const dir = await tempDir('vaultover-redis-mode-');
  onCleanup(dir.remove);
  return { ...validateConfig({ dataDir: dir.path, redis }, 'test'), file: null };
}

describe('redisProviderOptions', () => {
  it('takes --redis over VAULTOVER_REDIS, and VAULTOVER_REDIS over the config', async () => {
    const config = await configWith({ mode: 'embedded' });
    expect((await redisProviderOptions(config, {})).kind).toBe('embedded');
    expect((await redisProviderOptions(config, { VAULTOVER_REDIS: 'cluster' })).kind).toBe('cluster');
    expect((await redisProviderOptions(config, { VAULTOVER_REDIS: 'containers' }, 'cluster')).kind).toBe(
      'cluster',
    );
  });

  it("gives a cluster's nodes the deployment's users, as an embedded server's", async () => {
    const config = await configWith({ mode: 'cluster' });
    const options = await redisProviderOptions(config, {});
    expect(options.kind).toBe('cluster');
    expect(options.secret).toBe((await redisProviderOptions(config, {}, 'embedded')).secret);
    expect(options.secret?.length).toBeGreaterThan(0);
  });
});
