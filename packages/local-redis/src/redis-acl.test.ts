import { stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { redisReplyCode } from '@vaultover/foundation';
import { tempDir, withRedisClient } from '@vaultover/testkit';
import { onCleanup } from '@vaultover/testkit/cleanup';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createRedisProvider, ensureRedisSecret, REDIS_SECRET_FILE, type RedisUser } from './index.ts';

// Every embedded Redis refuses a client without credentials, and gives each component's user only the
// commands and keys that component needs. No assertion prints a URL or a password: a failure shows
// the reply's code word only.

async function startOne() {
  const dir = await tempDir('vaultover-acl-');
  onCleanup(dir.remove);
  const secret = await ensureRedisSecret(join(dir.path, 'state'));
  const provider = createRedisProvider({ kind: 'embedded', baseDir: dir.path, secret });
  onCleanup(() => provider.stop());
  const [instance] = await provider.start(['westeurope']);
  if (!instance) throw new Error('no instance');
  return { instance, dir: dir.path };
}

/** The code word of the reply (`OK`, or an error's `NOPERM`, `NOAUTH`…), never its text. */
async function outcome(url: string, command: string, ...args: (string | number | Buffer)[]): Promise<string> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableReadyCheck: false });
  client.on('error', () => {});
  onCleanup(() => client.disconnect());
  try {
    await client.connect();
    await client.call(command, ...args);
    return 'OK';
  } catch (error) {
    return redisReplyCode(error, ['NOPERM']) ?? 'other error';
  }
}

/**
 * The code word of a server's first reply to `command` sent as an inline command on a bare connection,
 * no client library in between (ioredis's own handshake would fail first and hide the reply).
 */
async function anonymousReply(port: number, command: string): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  onCleanup(() => {
    socket.destroy();
  });
  socket.write(`${command}\r\n`);
  const [chunk] = (await socket.take(1).toArray()) as Buffer[];
  const reply = chunk?.toString('utf8') ?? '';
  return reply.startsWith('-') ? (reply.slice(1).split(/\s/)[0] ?? '') : reply.trim();
}

/** Whether the ACL lets `user` run `args` (ACL DRYRUN, asked as admin): `OK` or a refusal. */
async function dryRun(adminUrl: string, user: RedisUser, ...args: string[]): Promise<string> {
  return await withRedisClient(adminUrl, async (admin) =>
    String(await admin.call('acl', 'dryrun', user, ...args)) === 'OK' ? 'OK' : 'refused',
  );
}

describe('embedded Redis access', () => {
  it('keeps the secret in a 0600 file and refuses a client without credentials', async () => {
    const { instance, dir } = await startOne();
    expect((await stat(join(dir, 'state', REDIS_SECRET_FILE))).mode & 0o777).toBe(0o600);
    for (const command of [
      'PING',
      'GET vo:control:failover',
      'HSET vo:control:failover epoch 9',
      'FLUSHALL',
      'CONFIG GET *',
    ]) {
      expect(await anonymousReply(instance.port, command), command).toBe('NOAUTH');
    }
    expect(await anonymousReply(instance.port, 'AUTH region guessed')).toBe('WRONGPASS');
    expect(await anonymousReply(instance.port, 'AUTH default guessed')).toBe('WRONGPASS');
  });

  it('keeps transactions and scripts across a kill -9 and restart with AOF', async () => {
    // With the default user off, redis-server 7.0 drops every MULTI/EXEC of the AOF on loading.
    const dir = await tempDir('vaultover-acl-aof-');
    onCleanup(dir.remove);
    const provider = createRedisProvider({ kind: 'embedded', baseDir: dir.path, durability: 'aof-always' });
    onCleanup(() => provider.stop());
    const [instance] = await provider.start(['westeurope']);
    if (!instance) throw new Error('no instance');
    await withRedisClient(instance.urlAs('region'), async (region) => {
      await region.multi().set('vo:{shop}:pos', 7).zadd('vo:vault-index', 0, 'shop').exec();
      await region.eval("return redis.call('HSET', KEYS[1], 'doc', ARGV[1])", 1, 'vo:{shop}:props', '{}');
    });
    await provider.stopInstance('westeurope', 'SIGKILL');
    const restarted = await provider.restartInstance('westeurope');
    expect(
      await withRedisClient(restarted.url, async (admin) => [
        await admin.get('vo:{shop}:pos'),
        await admin.zrange('vo:vault-index', '0', '-1'),
        await admin.hget('vo:{shop}:props', 'doc'),
      ]),
    ).toEqual(['7', ['shop'], '{}']);
  });

  it('gives no component CONFIG, FLUSHALL or DEBUG; admin keeps them', async () => {
    const { instance } = await startOne();
    const components: RedisUser[] = ['region', 'replicator', 'control', 'exporter'];
    for (const user of components) {
      const url = instance.urlAs(user);
      expect(await outcome(url, 'ping'), user).toBe('OK');
      expect(await outcome(url, 'config', 'get', 'maxmemory'), user).toBe('NOPERM');
      expect(await outcome(url, 'config', 'set', 'appendonly', 'no'), user).toBe('NOPERM');
      expect(await outcome(url, 'flushall'), user).toBe('NOPERM');
      // DEBUG is refused to everyone by redis-server's own default; the ACL refuses it besides.
      expect(await dryRun(instance.url, user, 'debug', 'sleep', '0'), user).toBe('refused');
      expect(await dryRun(instance.url, user, 'flushdb'), user).toBe('refused');
      expect(await dryRun(instance.url, user, 'shutdown'), user).toBe('refused');
      expect(await outcome(url, 'acl', 'list'), user).toBe('NOPERM');
    }
    expect(await outcome(instance.url, 'config', 'get', 'maxmemory')).toBe('OK');
    expect(await dryRun(instance.url, 'admin', 'debug', 'sleep', '0')).toBe('OK');
  });

  it('each component writes only the keys it needs', async () => {
    const { instance } = await startOne();
    const region = instance.urlAs('region');
    expect(await outcome(region, 'set', 'vo:{shop}:pos', 3)).toBe('OK');
    expect(await outcome(region, 'zadd', 'vo:vault-index', 0, 'shop')).toBe('OK');
    expect(await outcome(region, 'xadd', 'vo:repl:changes', '*', 'vault', 'shop')).toBe('OK');
    const payload = await withRedisClient(instance.url, (admin) => admin.dumpBuffer('vo:{shop}:pos'));
    expect(await outcome(region, 'restore', 'vo:{shop}:repl:staging:pos', 0, payload as Buffer)).toBe('OK');
    expect(await outcome(region, 'hget', 'vo:control:failover', 'epoch')).toBe('OK');
    expect(await outcome(region, 'set', 'vo:control:lease', 'westeurope:1', 'PX', 2000)).toBe('OK');
    expect(await outcome(region, 'xrange', 'vo:control:events', '-', '+')).toBe('OK');
    expect(await outcome(region, 'del', 'vo:control:events')).toBe('NOPERM');
    expect(await outcome(region, 'xadd', 'vo:control:events', '*', 'kind', 'forged')).toBe('NOPERM');
    expect(await outcome(region, 'set', 'vo:control:bull:transitions:forged', 1)).toBe('NOPERM');

    const replicator = instance.urlAs('replicator');
    expect(await outcome(replicator, 'get', 'vo:{shop}:pos')).toBe('OK');
    expect(await outcome(replicator, 'xread', 'COUNT', 1, 'STREAMS', 'vo:{shop}:log', '0-0')).toBe('OK');
    expect(await outcome(replicator, 'set', 'vo:{shop}:repl:ack:northeurope', 3)).toBe('OK');
    expect(await outcome(replicator, 'set', 'vo:{shop}:pos', 0)).toBe('NOPERM');
    // A resync dumps a page of keys in a read-only script, which the secondary's region restores.
    const read = "return redis.call('DUMP', KEYS[1])";
    expect(await outcome(replicator, 'eval_ro', read, 1, 'vo:{shop}:pos')).toBe('OK');
    expect(await outcome(replicator, 'eval', read, 1, 'vo:{shop}:pos')).toBe('NOPERM');
    expect(await outcome(replicator, 'hset', 'vo:control:failover', 'epoch', 99)).toBe('NOPERM');
    expect(await outcome(replicator, 'xread', 'COUNT', 1, 'STREAMS', 'vo:repl:changes', '0-0')).toBe('OK');
    expect(await outcome(replicator, 'xadd', 'vo:repl:changes', '*', 'vault', 'forged')).toBe('NOPERM');

    const control = instance.urlAs('control');
    expect(await outcome(control, 'hset', 'vo:control:failover', 'epoch', 2)).toBe('OK');
    expect(await outcome(control, 'get', 'vo:{shop}:pos')).toBe('OK');
    expect(await outcome(control, 'set', 'vo:{shop}:pos', 0)).toBe('NOPERM');

    const exporter = instance.urlAs('exporter');
    expect(await outcome(exporter, 'info')).toBe('OK');
    expect(await outcome(exporter, 'get', 'vo:{shop}:pos')).toBe('NOPERM');
    expect(await withRedisClient(instance.url, (admin) => admin.get('vo:{shop}:pos'))).toBe('3');
  });
});
