import { ensureRedisSecret, type RedisProviderOptions } from '@vaultover/local-redis';
import { z } from 'zod';
import { CliError, EXIT } from '../cli/cli-error.ts';
import { REDIS_MODES, type VaultoverConfig } from '../config/index.ts';

/**
 * Provider options for the config's Redis, with env VAULTOVER_REDIS overriding the mode. Config URLs
 * apply in external mode; without them the provider reads env VAULTOVER_REDIS_URLS.
 */
export async function redisProviderOptions(
  config: VaultoverConfig,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RedisProviderOptions> {
  const kind = modeFromEnv(env) ?? config.redis.mode;
  if (kind === 'external') return { kind, urls: config.redis.urls };
  const namespaced = [...config.regions, config.control].find(({ netns }) => netns !== undefined);
  if (namespaced?.netns !== undefined) {
    // The config's own check holds the file to this; the environment can still ask for another kind.
    throw new CliError(
      `VAULTOVER_REDIS=${kind}: the deployment runs in network namespaces (${namespaced.netns}), where only ` +
        'external Redis servers are reachable: unset it or set it to external',
      { exitCode: EXIT.usage },
    );
  }
  // Embedded servers get the deployment's ACL users, whose passwords derive from the secret in dataDir.
  return kind === 'embedded' ? { kind, secret: await ensureRedisSecret(config.dataDir) } : { kind };
}

function modeFromEnv(env: NodeJS.ProcessEnv): VaultoverConfig['redis']['mode'] | undefined {
  const value = env.VAULTOVER_REDIS?.trim();
  if (!value) return undefined;
  const parsed = z.enum(REDIS_MODES).safeParse(value);
  if (parsed.success) return parsed.data;
  throw new CliError(`VAULTOVER_REDIS: expected one of ${REDIS_MODES.join(', ')}, got "${value}"`, {
    exitCode: EXIT.usage,
  });
}
