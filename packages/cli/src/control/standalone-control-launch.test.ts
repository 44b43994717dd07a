import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertFailoverPair } from './control-launch.ts';
import { standaloneControlLaunch } from './standalone-control-launch.ts';

let dir: string;
let endpoints: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vaultover-control-launch-'));
  endpoints = join(dir, 'endpoints.json');
  await writeFile(
    endpoints,
    JSON.stringify({
      regions: {
        westeurope: { url: 'https://localhost:8001', role: 'primary', pid: 1 },
        northeurope: { url: 'https://localhost:8002', role: 'secondary', pid: 2 },
      },
      redis: { control: { url: 'redis://127.0.0.1:7003', pid: 3 } },
    }),
  );
  await writeFile(join(dir, 'deploy.yaml'), 'control: { port: 9100 }\n');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('standaloneControlLaunch', () => {
  it("takes the regions and the control Redis from a running up's endpoints file", async () => {
    const launch = await standaloneControlLaunch({ endpoints });
    expect(launch.regions).toEqual([
      { name: 'westeurope', role: 'primary', url: 'https://localhost:8001' },
      { name: 'northeurope', role: 'secondary', url: 'https://localhost:8002' },
    ]);
    expect(launch.controlRedisUrl).toBe('redis://127.0.0.1:7003');
    expect(launch.config.control).toEqual({ port: 0, gatewayPort: 0 });
  });

  it('lets flags override the file and the config', async () => {
    const launch = await standaloneControlLaunch({
      config: join(dir, 'deploy.yaml'),
      endpoints,
      region: ['northeurope=https://10.0.0.6:8443'],
      controlRedisUrl: 'redis://10.0.0.7:6379',
      gatewayPort: 9443,
    });
    expect(launch.regions[1]).toEqual({
      name: 'northeurope',
      role: 'secondary',
      url: 'https://10.0.0.6:8443',
    });
    expect(launch.controlRedisUrl).toBe('redis://10.0.0.7:6379');
    expect(launch.config.control).toEqual({ port: 9100, gatewayPort: 9443 });
  });

  it('says which flag is missing or malformed', async () => {
    await expect(standaloneControlLaunch({ region: ['westeurope=https://localhost:1'] })).rejects.toThrow(
      'no URL for region northeurope: pass --region northeurope=https://HOST:PORT or --endpoints FILE',
    );
    await expect(
      standaloneControlLaunch({ region: ['westeurope=https://a:1', 'northeurope=https://b:2'] }),
    ).rejects.toThrow('no control Redis: pass --control-redis-url');
    await expect(standaloneControlLaunch({ endpoints, region: ['westeurope'] })).rejects.toThrow(
      '--region westeurope: expected NAME=URL',
    );
    await expect(standaloneControlLaunch({ endpoints: join(dir, 'nope.json') })).rejects.toThrow(
      /--endpoints .*nope\.json: cannot read it \(ENOENT\)/,
    );
  });

  it('refuses a control Redis URL whose password endpoints.json masked', async () => {
    const masked = join(dir, 'masked.json');
    await writeFile(
      masked,
      JSON.stringify({
        regions: { westeurope: { url: 'https://a:1' }, northeurope: { url: 'https://b:2' } },
        redis: { control: { url: 'redis://:***@10.0.0.7:6379' } },
      }),
    );
    await expect(standaloneControlLaunch({ endpoints: masked })).rejects.toThrow('no control Redis');
  });

  it('wants exactly one primary and one secondary', () => {
    const url = 'https://localhost:1';
    expect(() =>
      assertFailoverPair({
        regions: [
          { name: 'northeurope', role: 'secondary', url },
          { name: 'westeurope', role: 'primary', url },
        ],
      }),
    ).not.toThrow();
    expect(() => assertFailoverPair({ regions: [{ name: 'westeurope', role: 'primary', url }] })).toThrow(
      'the control process fails over one region pair: expected one primary and one secondary, got westeurope (primary)',
    );
    expect(() => assertFailoverPair({ regions: [] })).toThrow('got none');
  });
});
