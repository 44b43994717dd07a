import type { RedisClient } from '@vaultover/foundation/redis';
import type { VaultHostResolver } from '@vaultover/tls';
import type { RegionMetrics } from '../region-metrics.ts';
import { RequestThrottle } from './request-throttle.ts';
import { Throttle } from './throttle.ts';
import { effectiveLimits, type ThrottlingSettings } from './throttle-settings.ts';

/** The region node's throttle under `settings`; undefined when off (the default), so that nothing runs. */
export function throttleFor(
  settings: ThrottlingSettings | undefined,
  deps: { redis: RedisClient; hosts: VaultHostResolver; metrics: RegionMetrics },
): RequestThrottle | undefined {
  const limits = effectiveLimits(settings);
  if (!limits) return undefined;
  return new RequestThrottle({
    throttle: new Throttle({ redis: deps.redis, limits }),
    hosts: deps.hosts,
    metrics: deps.metrics,
    retryAfterSeconds: settings?.retryAfterSeconds,
  });
}
