import type { VaultoverConfig } from '../config/index.ts';

/** What `vaultover up --throttling` accepts: the real limits, or none. */
export const THROTTLING_FLAG_MODES = ['real', 'off'] as const;
export type ThrottlingFlagMode = (typeof THROTTLING_FLAG_MODES)[number];

/**
 * `config` with its throttling mode replaced by `--throttling`'s, when given. A custom config's limits
 * go (they are for `custom` only); its `retryAfterSeconds` stays.
 */
export function withThrottlingMode(
  config: VaultoverConfig,
  mode: ThrottlingFlagMode | undefined,
): VaultoverConfig {
  if (mode === undefined) return config;
  const { retryAfterSeconds } = config.throttling;
  return {
    ...config,
    throttling: { mode, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) },
  };
}
