import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRedisProvider, type RedisProvider } from '@vaultover/local-redis';
import { isProcessAlive } from '@vaultover/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGION_READY_PREFIX, type RegionReady } from '../region/region-ready-line.ts';
import { runCliProcess, startCli } from '../test-support/cli-process.ts';

// `vaultover region` started by hand, as on another host: config file + flags, no supervisor.

let cwd: string;
let redis: RedisProvider;
let redisUrl: string;

beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'vaultover-region-'));
  await writeFile(join(cwd, 'deploy.yaml'), `dataDir: ${join(cwd, 'state')}\nlogLevel: warn\n`);
  redis = createRedisProvider({ kind: 'embedded' });
  const [instance] = await redis.start(['westeurope']);
  redisUrl = instance?.url as string;
});

afterAll(async () => {
  await redis?.stop();
  await rm(cwd, { recursive: true, force: true });
});

function httpsGet(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { ca }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

describe('vaultover region', () => {
  it('serves one region in the foreground, prints its ready line, and stops on SIGTERM', async () => {
    const region = startCli(
      ['region', '-c', 'deploy.yaml', '--name', 'westeurope', '--redis-url', redisUrl],
      cwd,
    );
    try {
      const line = await region.waitForLine(REGION_READY_PREFIX, 20_000);
      const ready = JSON.parse(line.slice(REGION_READY_PREFIX.length)) as RegionReady;
      expect(ready).toMatchObject({
        name: 'westeurope',
        pid: region.child.pid,
        caFile: join(cwd, 'state', 'tls', 'ca.pem'),
      });
      const health = await httpsGet(`${ready.url}/health`, await readFile(ready.caFile, 'utf8'));
      expect(JSON.parse(health.body)).toMatchObject({ region: 'westeurope', role: 'primary' });
      region.child.kill('SIGTERM');
      expect(await region.exited).toBe(0);
      expect(region.stdout()).toBe(`${line}\n`);
    } finally {
      if (region.child.pid !== undefined && isProcessAlive(region.child.pid)) region.child.kill('SIGKILL');
    }
  });

  it('says what is missing for a region it cannot place', async () => {
    const unknown = await runCliProcess(['region', '-c', 'deploy.yaml', '--name', 'eastus'], cwd);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('region eastus is not in the config (regions: westeurope, northeurope)');
    const noRedis = await runCliProcess(['region', '-c', 'deploy.yaml', '--name', 'westeurope'], cwd);
    expect(noRedis.stderr).toContain('no Redis for region westeurope: pass --redis-url');
    const noPrimary = await runCliProcess(
      ['region', '-c', 'deploy.yaml', '--name', 'northeurope', '--redis-url', redisUrl],
      cwd,
    );
    expect(noPrimary.stderr).toContain('region northeurope is a secondary: pass --primary-redis-url');
  });
});
