/**
 * Where Redis comes from; `vaultover up --redis`, then the environment variable VAULTOVER_REDIS, override
 * the configured mode. `cluster` is `embedded` with each region's store a Redis Cluster. Apart from the
 * other defaults: the command line reads it for `--redis`'s choices without loading the config.
 */
export const REDIS_MODES = ['embedded', 'cluster', 'external', 'containers'] as const;
export type RedisMode = (typeof REDIS_MODES)[number];
