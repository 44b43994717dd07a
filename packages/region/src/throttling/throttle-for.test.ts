import { VaultHostResolver } from '@vaultover/tls';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { RegionMetrics } from '../region-metrics.ts';
import { RequestThrottle } from './request-throttle.ts';
import { throttleFor } from './throttle-for.ts';

describe('throttleFor', () => {
  // Off, the app gets no throttle at all: no Redis call, not even an await, per request.
  const deps = {
    redis: {} as Redis, // never touched when off
    hosts: new VaultHostResolver('vaultover'),
    metrics: new RegionMetrics('westeurope'),
  };

  it('gives no throttle when off or unset', () => {
    expect(throttleFor(undefined, deps)).toBeUndefined();
    expect(throttleFor({ mode: 'off', retryAfterSeconds: 5 }, deps)).toBeUndefined();
  });

  it('gives one at the real and custom limits', () => {
    const redis = { defineCommand: () => {} } as unknown as Redis;
    expect(throttleFor({ mode: 'real' }, { ...deps, redis })).toBeInstanceOf(RequestThrottle);
    expect(throttleFor({ mode: 'custom', limits: { secretCreate: 1 } }, { ...deps, redis })).toBeInstanceOf(
      RequestThrottle,
    );
  });
});
