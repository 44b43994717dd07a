import { VaultoverCredential } from '@vaultover/auth/tokens';
import type { RedisInstance, RedisProvider } from '@vaultover/local-redis';
import { tempDir } from '@vaultover/testkit';
import { onCleanup } from '@vaultover/testkit/cleanup';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.ts';
import type { ControlRunner } from './control-runner.ts';
import { buildEndpoints } from './endpoints.ts';
import type { RegionLaunch, RegionRunner } from './region-runner.ts';
import { StartupError } from './startup-error.ts';
import { startTopology } from './topology.ts';

/** A Redis whose URLs name the user each component connects as (the admin's is `url`). */
function fakeInstance(name: string, port: number, pid: number): RedisInstance {
  return {
    name,
    url: `redis://admin@127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    pid,
    urlAs: (user) => `redis://${user}@127.0.0.1:${port}`,
  };
}

function fakeRedis(events: string[]): RedisProvider {
  let started = 0;
  return {
    kind: 'embedded',
    async start(names, options) {
      events.push(`redis start ${names.join(',')}${options?.stores ? ' as stores' : ''}`);
      return names.map((name): RedisInstance => {
        const index = started++;
        return fakeInstance(name, 7000 + index, 100 + index);
      });
    },
    stopInstance: async (name, signal) => {
      events.push(`redis stop ${name} ${signal}`);
    },
    restartInstance: async (name) => {
      events.push(`redis restart ${name}`);
      return fakeInstance(name, 7000, 999);
    },
    stopClusterNode: async (name) => {
      throw new Error(`${name} is no cluster`);
    },
    restartClusterNode: async (name) => {
      throw new Error(`${name} is no cluster`);
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
        `region start ${launch.name} on ${launch.redis.urlAs('region')} replication ${JSON.stringify(launch.replication)}` +
          (launch.control ? ` control ${JSON.stringify(launch.control)}` : ''),
      );
      if (failure) throw failure;
      return {
        name: launch.name,
        role: launch.role,
        url: `https://localhost:${launch.port === 0 ? 8443 : launch.port}`,
        caFile: '/ca.pem',
        pid: 4242,
        kill: async () => {
          events.push(`region kill ${launch.name}`);
        },
        stop: async () => {
          events.push(`region stop ${launch.name}`);
        },
      };
    },
  };
}

/** The default config, its data directory (where the links API finds the token key) a fresh temp dir. */
async function configInTempDir() {
  const dir = await tempDir('vaultover-topology-');
  onCleanup(dir.remove);
  return await loadConfig({ cwd: dir.path });
}

describe('startTopology', () => {
  it('starts redis, a link per secondary, then the regions primary first, and stops in reverse', async () => {
    const events: string[] = [];
    const said: string[] = [];
    const config = await configInTempDir();
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
    // The links API takes the deployment's administrators only: their tokens, signed with its key.
    expect((await fetch(`${topology.links.api}/proxies`)).status).toBe(401);
    const admin = await new VaultoverCredential({ principal: 'admin', dataDir: config.dataDir }).getToken([]);
    const authorization = `Bearer ${admin.token}`;
    const proxies = (await (
      await fetch(`${topology.links.api}/proxies`, { headers: { authorization } })
    ).json()) as Record<string, { upstream: string; listen: string }>;
    const proxy = proxies['westeurope-to-northeurope'];
    expect(proxy?.upstream).toBe('127.0.0.1:7000');
    const proxyPort = Number(proxy?.listen.split(':').at(-1));
    expect(await topology.stop()).toEqual([]);
    expect(await topology.stop()).toEqual([]);
    expect(events).toEqual([
      // The regions' stores (clusters under kind 'cluster'), and the control Redis, always one server.
      'redis start westeurope,northeurope as stores',
      'redis start control',
      'region start westeurope on redis://region@127.0.0.1:7000 replication {"secondaries":["northeurope"]}',
      // The replicator reaches the primary's Redis through its link proxy, as its own user.
      `region start northeurope on redis://region@127.0.0.1:7001 replication {"primaryRedisUrl":"redis://replicator@127.0.0.1:${proxyPort}"}`,
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
      config: await configInTempDir(),
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

  it('with a control runner: links regions to the control Redis, starts control last, stops it first', async () => {
    const events: string[] = [];
    const config = await configInTempDir();
    const control: ControlRunner = {
      async start(launch, processes) {
        events.push(`control start ${JSON.stringify(launch)}`);
        await processes.crash('westeurope');
        await processes.restart('westeurope');
        await processes.stopRedis('northeurope');
        await processes.startRedis('northeurope');
        await expect(processes.stopRedis('control')).rejects.toThrow('no region control here');
        return {
          gatewayUrl: 'https://localhost:9443',
          url: 'https://localhost:9000',
          pid: 77,
          stop: async () => {
            events.push('control stop');
          },
        };
      },
    };
    const topology = await startTopology({
      config,
      redis: fakeRedis(events),
      runner: fakeRunner(events),
      control,
      say: () => {},
    });
    let changes = 0;
    topology.onChange(async () => {
      changes += 1;
    });
    await topology.processes.startRedis('westeurope');
    expect(changes).toBe(1);
    expect(topology.redis.find(({ name }) => name === 'westeurope')?.pid).toBe(999);
    const endpoints = buildEndpoints(config, topology, 1);
    expect(endpoints).toMatchObject({
      gateway: 'https://localhost:9443',
      control: 'https://localhost:9000',
      vaults: { vaultover: 'https://vaultover.localhost:9443' },
      metrics: [
        'https://localhost:8443/metrics',
        'https://localhost:8443/metrics',
        'https://localhost:9000/metrics',
      ],
    });
    await topology.stop();
    // Regions renew their lease in the control Redis as the region user; the control process is `control`.
    const lease = ' control {"redisUrl":"redis://region@127.0.0.1:7002","leaseMs":2000}';
    expect(events.filter((event) => !event.startsWith('redis start '))).toEqual([
      `region start westeurope on redis://region@127.0.0.1:7000 replication {"secondaries":["northeurope"]}${lease}`,
      expect.stringMatching(
        /^region start northeurope on redis:\/\/region@127\.0\.0\.1:7001 replication .*leaseMs":2000}$/,
      ),
      `control start ${JSON.stringify({
        regions: [
          // Each region's Redis: the control process reads the old primary's final position there.
          {
            name: 'westeurope',
            role: 'primary',
            url: 'https://localhost:8443',
            storeUrl: 'redis://control@127.0.0.1:7000',
          },
          {
            name: 'northeurope',
            role: 'secondary',
            url: 'https://localhost:8443',
            storeUrl: 'redis://control@127.0.0.1:7001',
          },
        ],
        controlRedisUrl: 'redis://control@127.0.0.1:7002',
      })}`,
      'region kill westeurope',
      'region stop westeurope',
      // Restarted on the port its first start got.
      `region start westeurope on redis://region@127.0.0.1:7000 replication {"secondaries":["northeurope"]}${lease}`,
      'redis stop northeurope SIGKILL',
      'redis restart northeurope',
      'redis restart westeurope',
      'control stop',
      'region stop northeurope',
      'region stop westeurope',
      'redis stop',
    ]);
  });
});
