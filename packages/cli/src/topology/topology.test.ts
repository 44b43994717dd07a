import type { RedisInstance, RedisProvider } from '@vaultover/local-redis';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.ts';
import type { RegionLaunch, RegionRunner } from './region-runner.ts';
import { StartupError } from './startup-error.ts';
import { startTopology } from './topology.ts';

function fakeRedis(events: string[]): RedisProvider {
  return {
    kind: 'embedded',
    async start(names) {
      events.push(`redis start ${names.join(',')}`);
      return names.map(
        (name, index): RedisInstance => ({
          name,
          url: `redis://127.0.0.1:${7000 + index}`,
          host: '127.0.0.1',
          port: 7000 + index,
          pid: 100 + index,
        }),
      );
    },
    stopInstance: async () => {},
    restartInstance: async () => {
      throw new Error('unused');
    },
    async stop() {
      events.push('redis stop');
    },
  };
}

function fakeRunner(events: string[], failure?: Error): RegionRunner {
  return {
    async start(launch: RegionLaunch) {
      events.push(
        `region start ${launch.name} on ${launch.redis.url} replication ${JSON.stringify(launch.replication)}`,
      );
      if (failure) throw failure;
      return {
        name: launch.name,
        role: launch.role,
        url: 'https://localhost:8443',
        caFile: '/ca.pem',
        pid: 4242,
        stop: async () => {
          events.push(`region stop ${launch.name}`);
        },
      };
    },
  };
}

describe('startTopology', () => {
  it('starts redis, a link per secondary, then the regions primary first, and stops in reverse', async () => {
    const events: string[] = [];
    const said: string[] = [];
    const config = await loadConfig({ cwd: '/tmp' });
    const topology = await startTopology({
      config,
      redis: fakeRedis(events),
      runner: fakeRunner(events),
      say: (line) => said.push(line),
    });
    expect(topology.regions.map((region) => region.name)).toEqual(['westeurope', 'northeurope']);
    expect(topology.redis.map((instance) => instance.name)).toEqual(['westeurope', 'northeurope', 'control']);
    expect(topology.links.proxies).toEqual({ northeurope: 'westeurope-to-northeurope' });
    expect(topology.links.api).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const proxies = (await (await fetch(`${topology.links.api}/proxies`)).json()) as Record<
      string,
      { upstream: string; listen: string }
    >;
    const proxy = proxies['westeurope-to-northeurope'];
    expect(proxy?.upstream).toBe('127.0.0.1:7000');
    const proxyPort = Number(proxy?.listen.split(':').at(-1));
    expect(await topology.stop()).toEqual([]);
    expect(await topology.stop()).toEqual([]);
    expect(events).toEqual([
      'redis start westeurope,northeurope,control',
      'region start westeurope on redis://127.0.0.1:7000 replication {"secondaries":["northeurope"]}',
      `region start northeurope on redis://127.0.0.1:7001 replication {"primaryRedisUrl":"redis://127.0.0.1:${proxyPort}"}`,
      'region stop northeurope',
      'region stop westeurope',
      'redis stop',
    ]);
    expect(said).toContain('westeurope ready at https://localhost:8443');
    await expect(fetch(`${topology.links.api}/proxies`)).rejects.toThrow();
  });

  it('stops the Redis it started when a region fails, and names the failed step', async () => {
    const events: string[] = [];
    const busy = Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:8443'), {
      code: 'EADDRINUSE',
    });
    const failed = startTopology({
      config: await loadConfig({ cwd: '/tmp' }),
      redis: fakeRedis(events),
      runner: fakeRunner(events, busy),
      say: () => {},
    });
    await expect(failed).rejects.toBeInstanceOf(StartupError);
    await expect(failed).rejects.toThrow(
      /^could not start region westeurope: listen EADDRINUSE.*\(the port is taken: set another regions\[\]\.port/,
    );
    expect(events.at(-1)).toBe('redis stop');
  });
});
