import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/index.ts';
import { scenarioConfig } from './scenario-deployment.ts';

// A scenario runs on a config of the user's (`scenario run --config`): its deployment: goes over it.

describe('scenarioConfig', () => {
  const base = {
    dataDir: 'elsewhere',
    logLevel: 'debug',
    regions: [
      { name: 'eastus', role: 'primary', host: '127.0.0.2' },
      { name: 'westus', role: 'secondary', host: '127.0.0.3' },
    ],
    monitor: { probeIntervalMs: 400, probeTimeoutMs: 100 },
    throttling: { mode: 'custom', limits: { secretCreate: 10 } },
    observability: { prometheus: true },
  };

  it("keeps the base's topology, merges the timing sections field by field and replaces the others", () => {
    const config = scenarioConfig(
      { monitor: { probeIntervalMs: 500 }, throttling: 'real', failover: { leaseMs: 900 } },
      '/runs/one/deployment',
      base,
    );
    expect(config.regions.map(({ name, host }) => [name, host])).toEqual([
      ['eastus', '127.0.0.2'],
      ['westus', '127.0.0.3'],
    ]);
    expect(config.monitor).toMatchObject({ probeIntervalMs: 500, probeTimeoutMs: 100 });
    expect(config.failover.leaseMs).toBe(900);
    expect(config.throttling).toEqual({ mode: 'real' });
    // The run's own: its folder, warnings only, the request log on (the base's Prometheus kept).
    expect(config).toMatchObject({ dataDir: '/runs/one/deployment', logLevel: 'warn', file: null });
    expect(config.observability).toMatchObject({ requestLog: true, prometheus: true });
  });

  it("holds the result to the config's rules, the base's fields included", () => {
    expect(() => scenarioConfig({ monitor: { probeIntervalMs: 100 } }, '/runs/two', base)).toThrow(
      ConfigError,
    );
  });
});
