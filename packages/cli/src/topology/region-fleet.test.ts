import type { RedisInstance } from '@vaultover/local-redis';
import { describe, expect, it } from 'vitest';
import { RegionFleet } from './region-fleet.ts';
import type { RegionLaunch, RegionRunner } from './region-runner.ts';

const redis: RedisInstance = {
  name: 'westeurope',
  url: 'redis://127.0.0.1:7000',
  host: '127.0.0.1',
  port: 7000,
  pid: 1,
  urlAs: () => 'redis://127.0.0.1:7000',
};
const launch: RegionLaunch = { name: 'westeurope', role: 'primary', port: 0, redis, replication: {} };

/** A runner whose regions get port 8000 + n on a port-0 launch, and pid 100 + n. */
function fakeRunner(events: string[]): RegionRunner {
  let started = 0;
  return {
    async start(request) {
      started += 1;
      const port = request.port === 0 ? 8000 + started : request.port;
      const pid = 100 + started;
      events.push(`start port ${request.port} → ${port} pid ${pid}`);
      return {
        name: request.name,
        role: request.role,
        url: `https://localhost:${port}`,
        caFile: '/ca.pem',
        pid,
        stop: async () => {
          events.push(`stop pid ${pid}`);
        },
        kill: async () => {
          events.push(`kill pid ${pid}`);
        },
      };
    },
  };
}

describe('RegionFleet', () => {
  it('crashes a region and restarts it on the port its first start got', async () => {
    const events: string[] = [];
    const said: string[] = [];
    const fleet = new RegionFleet(fakeRunner(events), (line) => said.push(line));
    let changes = 0;
    fleet.onChange(async () => {
      changes += 1;
    });
    await fleet.start(launch);
    await fleet.crash('westeurope');
    expect(changes).toBe(0);
    await fleet.restart('westeurope');
    expect(changes).toBe(1);
    expect(fleet.list().map(({ url, pid }) => `${url} ${pid}`)).toEqual(['https://localhost:8001 102']);
    await fleet.stop('westeurope');
    expect(events).toEqual([
      'start port 0 → 8001 pid 101',
      'kill pid 101',
      'stop pid 101',
      'start port 8001 → 8001 pid 102',
      'stop pid 102',
    ]);
    expect(said).toEqual([
      'region westeurope (pid 101) crashed on request (SIGKILL)',
      'restarting region westeurope on https://localhost:8001…',
      'region westeurope ready again at https://localhost:8001 (pid 102)',
    ]);
  });

  it('runs the requests on one region one after the other', async () => {
    const events: string[] = [];
    const fleet = new RegionFleet(fakeRunner(events), () => {});
    await fleet.start(launch);
    await Promise.all([fleet.restart('westeurope'), fleet.crash('westeurope'), fleet.restart('westeurope')]);
    expect(events).toEqual([
      'start port 0 → 8001 pid 101',
      'stop pid 101',
      'start port 8001 → 8001 pid 102',
      'kill pid 102',
      'stop pid 102',
      'start port 8001 → 8001 pid 103',
    ]);
  });

  it('names the regions it has when asked for another', async () => {
    const fleet = new RegionFleet(fakeRunner([]), () => {});
    await fleet.start(launch);
    await expect(fleet.crash('eastus')).rejects.toThrow('no region eastus runs here (regions: westeurope)');
  });
});
