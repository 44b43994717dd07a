import { chmod, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { isProcessAlive, pollUntil, tempDir, withRedisClient } from '@vaultover/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createRedisProvider,
  RedisConfigError,
  RedisNotInstalledError,
  RedisPortInUseError,
  type RedisProviderOptions,
  RedisStartError,
} from './index.ts';
import { pingRedis } from './ping.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An embedded provider whose temp dirs all go under a fresh baseDir, so the test can look at them. */
async function embedded(options: RedisProviderOptions = {}) {
  const base = await tempDir();
  const provider = createRedisProvider({ kind: 'embedded', baseDir: base.path, ...options });
  cleanups.push(async () => {
    await provider.stop();
    await base.remove();
  });
  return { provider, baseDir: base.path };
}

/** A stand-in for redis-server: a shell script that writes its pid to a file, then runs body. */
async function fakeRedisServer(dir: string, body: string): Promise<{ path: string; pidFile: string }> {
  const path = join(dir, 'fake-redis-server');
  const pidFile = join(dir, 'fake.pid');
  await writeFile(path, `#!/bin/sh\necho $$ > '${pidFile}'\n${body}\n`);
  await chmod(path, 0o755);
  return { path, pidFile };
}

describe('embedded provider', () => {
  it('starts isolated instances, and stop removes their processes and temp dirs', async () => {
    const { provider, baseDir } = await embedded();
    const [west, north] = await provider.start(['westeurope', 'northeurope']);
    if (!west?.pid || !north?.pid) throw new Error('expected two instances with pids');
    expect(west.port).not.toBe(north.port);
    // The admin's URL: compared, never printed (it carries the password).
    expect(west.url.startsWith('redis://admin:') && west.url.endsWith(`@127.0.0.1:${west.port}`)).toBe(true);
    expect(await readdir(baseDir)).toHaveLength(2);

    await withRedisClient(west.url, (client) => client.set('secret', 'west-only'));
    expect(await withRedisClient(north.url, (client) => client.get('secret'))).toBeNull();
    expect(await withRedisClient(west.url, (client) => client.get('secret'))).toBe('west-only');

    await provider.stop();
    expect(isProcessAlive(west.pid)).toBe(false);
    expect(isProcessAlive(north.pid)).toBe(false);
    expect(await readdir(baseDir)).toEqual([]);
    await provider.stop();
  });

  it('stopInstance SIGKILL kills redis-server; restartInstance brings it back on the same port and dir', async () => {
    const { provider, baseDir } = await embedded();
    const [before] = await provider.start(['control']);
    if (!before?.pid) throw new Error('expected an instance with a pid');
    const dirs = await readdir(baseDir);

    await provider.stopInstance('control', 'SIGKILL');
    await pollUntil('the killed redis is gone', () => !isProcessAlive(before.pid as number));
    await expect(pingRedis(before.url, 1_000)).rejects.toThrow();

    const after = await provider.restartInstance('control');
    expect(after.port).toBe(before.port);
    expect(after.pid).not.toBe(before.pid);
    await pingRedis(after.url, 1_000);
    expect(await readdir(baseDir)).toEqual(dirs);
  });

  it('restartInstance reports a port that someone else took meanwhile, and keeps the dir', async () => {
    const { provider, baseDir } = await embedded();
    const [instance] = await provider.start(['taken']);
    if (!instance) throw new Error('expected an instance');
    await provider.stopInstance('taken');
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(instance.port, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => squatter.close(() => resolve())));

    const dirs = await readdir(baseDir);
    await expect(provider.restartInstance('taken')).rejects.toBeInstanceOf(RedisPortInUseError);
    expect(await readdir(baseDir)).toEqual(dirs);
  });

  it('says how to install redis-server when it is missing', async () => {
    const { provider, baseDir } = await embedded({ redisServerPath: '/nonexistent/redis-server' });
    const error = await provider.start(['westeurope']).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RedisNotInstalledError);
    expect((error as RedisNotInstalledError).code).toBe('RedisNotInstalled');
    expect((error as Error).message).toContain('apt-get install -y redis-server');
    expect(await readdir(baseDir)).toEqual([]);
  });

  it("shows redis-server's last output lines when it exits before being ready", async () => {
    const scripts = await tempDir();
    cleanups.push(scripts.remove);
    const fake = await fakeRedisServer(scripts.path, "echo 'FATAL CONFIG FILE ERROR (pretend)'; exit 1");
    const { provider } = await embedded({ redisServerPath: fake.path });

    const error = await provider.start(['westeurope']).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RedisStartError);
    expect((error as Error).message).toMatch(/exited \(code 1\)[\s\S]*FATAL CONFIG FILE ERROR \(pretend\)/);
  });

  it('gives up after startTimeoutMs and kills what it started', async () => {
    const scripts = await tempDir();
    cleanups.push(scripts.remove);
    const fake = await fakeRedisServer(scripts.path, "echo 'starting, slowly'; exec sleep 60");
    const { provider, baseDir } = await embedded({ redisServerPath: fake.path, startTimeoutMs: 300 });

    const error = await provider.start(['westeurope']).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RedisStartError);
    expect((error as Error).message).toMatch(/did not answer PING within 300 ms[\s\S]*starting, slowly/);
    const pid = Number(await readFile(fake.pidFile, 'utf8'));
    expect(isProcessAlive(pid)).toBe(false);
    expect(await readdir(baseDir)).toEqual([]);
  });

  describe('durability', () => {
    /** Writes keys and a stream, SIGKILLs redis-server, restarts it, and reads everything back. */
    async function crashAndRestart(options: RedisProviderOptions) {
      const { provider, baseDir } = await embedded(options);
      const [before] = await provider.start(['westeurope']);
      if (!before?.pid) throw new Error('expected an instance with a pid');
      await withRedisClient(before.url, async (client) => {
        await client.set('secret', 'acknowledged');
        await client.hset('vault:hash', { a: '1', b: '2' });
        await client.xadd('changes', '1-1', 'op', 'set', 'name', 'secret');
        await client.xadd('changes', '2-1', 'op', 'delete', 'name', 'secret');
      });
      await provider.stopInstance('westeurope', 'SIGKILL');
      await pollUntil('the killed redis is gone', () => !isProcessAlive(before.pid as number));
      const after = await provider.restartInstance('westeurope');
      const seen = await withRedisClient(after.url, async (client) => ({
        secret: await client.get('secret'),
        hash: await client.hgetall('vault:hash'),
        stream: await client.xrange('changes', '-', '+'),
      }));
      return { provider, baseDir, seen };
    }

    it("with 'aof-always', keys and streams survive SIGKILL + restartInstance; stop() removes the dir", async () => {
      const { provider, baseDir, seen } = await crashAndRestart({ durability: 'aof-always' });
      expect(seen.secret).toBe('acknowledged');
      expect(seen.hash).toEqual({ a: '1', b: '2' });
      expect(seen.stream).toEqual([
        ['1-1', ['op', 'set', 'name', 'secret']],
        ['2-1', ['op', 'delete', 'name', 'secret']],
      ]);
      const [dir] = await readdir(baseDir);
      expect(await readdir(join(baseDir, dir as string))).toContain('appendonly');

      await provider.stop();
      expect(await readdir(baseDir)).toEqual([]);
    });

    it("with 'aof-everysec', a Redis process crash loses nothing already written", async () => {
      const { seen } = await crashAndRestart({ durability: 'aof-everysec' });
      expect(seen.secret).toBe('acknowledged');
      expect(seen.stream).toHaveLength(2);
    });

    it("with the default 'none', a SIGKILLed instance comes back empty and writes no files", async () => {
      const { provider, baseDir, seen } = await crashAndRestart({});
      expect(seen).toEqual({ secret: null, hash: {}, stream: [] });
      const [dir] = await readdir(baseDir);
      expect(await readdir(join(baseDir, dir as string))).toEqual(['users.acl']);
      await provider.stop();
      expect(await readdir(baseDir)).toEqual([]);
    });

    it('rejects an unknown durability', () => {
      expect(() =>
        createRedisProvider({
          kind: 'embedded',
          durability: 'fsync-sometimes' as RedisProviderOptions['durability'],
        }),
      ).toThrow(RedisConfigError);
    });
  });

  it('refuses to start the same name twice', async () => {
    const { provider } = await embedded();
    await expect(provider.start(['a', 'a'])).rejects.toBeInstanceOf(RedisConfigError);
  });
});
