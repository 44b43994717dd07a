import { randomBytes } from 'node:crypto';
import { createContainersProvider } from './containers-provider.ts';
import { createEmbeddedProvider } from './embedded-provider.ts';
import { RedisConfigError } from './errors.ts';
import { createExternalProvider } from './external-provider.ts';
import type {
  RedisDurability,
  RedisProvider,
  RedisProviderKind,
  RedisProviderOptions,
} from './redis-provider.ts';

const KINDS: readonly RedisProviderKind[] = ['embedded', 'cluster', 'external', 'containers'];
const DEFAULT_CLUSTER_NODE_TIMEOUT_MS = 3000;
const DURABILITIES: readonly RedisDurability[] = ['none', 'aof-everysec', 'aof-always'];

function kindFromEnv(): RedisProviderKind {
  const value = process.env.VAULTOVER_REDIS?.trim() || 'embedded';
  if ((KINDS as readonly string[]).includes(value)) return value as RedisProviderKind;
  throw new RedisConfigError(`VAULTOVER_REDIS='${value}' is not one of: ${KINDS.join(', ')}`);
}

function urlsFromEnv(): string[] {
  return (process.env.VAULTOVER_REDIS_URLS ?? '')
    .split(',')
    .map((url) => url.trim())
    .filter(Boolean);
}

/**
 * Creates a Redis provider. Nothing starts until start(names). The kind defaults to env VAULTOVER_REDIS,
 * else 'embedded'; external URLs default to env VAULTOVER_REDIS_URLS. Kind `cluster` is the embedded
 * provider whose region stores (start's `stores`) are clusters.
 */
export function createRedisProvider(options: RedisProviderOptions = {}): RedisProvider {
  const kind = options.kind ?? kindFromEnv();
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;
  const { logger } = options;
  switch (kind) {
    case 'embedded':
    case 'cluster': {
      const redisServerPath = options.redisServerPath ?? 'redis-server';
      const durability = options.durability ?? 'none';
      if (!DURABILITIES.includes(durability)) {
        throw new RedisConfigError(`durability '${durability}' is not one of: ${DURABILITIES.join(', ')}`);
      }
      return createEmbeddedProvider({
        redisServerPath,
        baseDir: options.baseDir,
        startTimeoutMs,
        durability,
        secret: options.secret ?? randomBytes(32).toString('base64url'),
        logger,
        ...(kind === 'cluster'
          ? {
              clusterStores: {
                redisCliPath: options.redisCliPath ?? 'redis-cli',
                nodeTimeoutMs: options.clusterNodeTimeoutMs ?? DEFAULT_CLUSTER_NODE_TIMEOUT_MS,
              },
            }
          : {}),
      });
    }
    case 'external':
      return createExternalProvider({ urls: options.urls ?? urlsFromEnv(), startTimeoutMs });
    case 'containers':
      return createContainersProvider({ image: options.image ?? 'redis:7-alpine', startTimeoutMs, logger });
    default:
      throw new RedisConfigError(`unknown Redis provider kind '${kind as string}'`);
  }
}
