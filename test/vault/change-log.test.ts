import { randomBytes } from 'node:crypto';
import {
  createVaultService,
  logKeys,
  SimulatedClock,
  type VaultService,
  vaultPrefix,
} from '@vaultover/vault';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, pollUntil } from '../support/poll.ts';
import { startTestRedis, type TestRedis } from '../support/redis.ts';
import { canonical, dumpKeys } from '../support/redis-dump.ts';

// The change log of a vault, at the store level (no HTTP): every mutation appends exactly one entry
// in the same atomic step, and the entries alone rebuild the vault's keys byte for byte.

const DAY_MS = 86_400_000;

let redis: TestRedis;
let db: Redis;
/** Another database of the same server, where entries are replayed. */
let replica: Redis;
let clock: SimulatedClock;
let service: VaultService;
const queue = { name: 'purge', prefix: `{vo-purge-test-${randomBytes(4).toString('hex')}}` };
let purgeQueue: Queue;

beforeAll(async () => {
  redis = await startTestRedis('change-log', { externalDb: 4 });
  db = redis.client();
  replica = redis.client(redis.kind === 'external' ? 5 : 1);
  clock = new SimulatedClock();
  service = createVaultService({
    redis: db,
    clock,
    masterKey: randomBytes(32),
    queue: { connection: { url: redis.url }, toRealMs: (ms) => clock.toRealMs(ms), prefix: queue.prefix },
  });
  purgeQueue = new Queue(queue.name, { connection: { url: redis.url }, prefix: queue.prefix });
});

afterAll(async () => {
  await purgeQueue?.close();
  await service?.close();
  await redis?.stop();
});

/** A vault name of its own for each test, so that tests and runs never share a log. */
const freshVault = (label: string) => `cl-${label}-${randomBytes(3).toString('hex')}`;

interface Entry {
  id: string;
  v: string;
  op: string;
  t: string;
  keys: string[];
  ops: unknown[][];
}

async function entries(vault: string): Promise<Entry[]> {
  const raw = await db.xrange(logKeys(vault).stream, '-', '+');
  return raw.map(([id, fields]) => {
    const record: Record<string, string> = {};
    for (let i = 0; i < fields.length; i += 2) record[fields[i] as string] = fields[i + 1] as string;
    return {
      id,
      v: record.v ?? '',
      op: record.op ?? '',
      t: record.t ?? '',
      keys: JSON.parse(record.keys ?? '[]') as string[],
      ops: JSON.parse(record.ops ?? '[]') as unknown[][],
    };
  });
}

async function position(vault: string): Promise<number> {
  return Number((await db.get(logKeys(vault).position)) ?? 0);
}

/** The vault's keys except its log and position, with the vault prefix stripped. */
async function stateOf(client: Redis, vault: string): Promise<string> {
  const log = logKeys(vault);
  const dumps = await dumpKeys(client, `${vaultPrefix(vault)}*`);
  return canonical(
    dumps.filter((d) => d.key !== log.stream && d.key !== log.position),
    vaultPrefix(vault),
  );
}

/** Applies every entry's ops, in order, to the vault's (emptied) keyspace in the replica database. */
async function replay(vault: string): Promise<void> {
  const prefix = vaultPrefix(vault);
  const stale = (await dumpKeys(replica, `${prefix}*`)).map((d) => d.key);
  if (stale.length > 0) await replica.del(...stale);
  for (const entry of await entries(vault)) {
    const key = (index: unknown) => {
      const relative = entry.keys[index as number];
      if (relative === undefined)
        throw new Error(`entry ${entry.id} names key index ${index} it does not have`);
      return prefix + relative;
    };
    for (const [kind, index, ...args] of entry.ops) {
      const [a, b] = args as string[];
      if (kind === 'hset') await replica.hset(key(index), a as string, b as string);
      else if (kind === 'hdel') await replica.hdel(key(index), a as string);
      else if (kind === 'del') await replica.del(key(index));
      else if (kind === 'zadd') await replica.zadd(key(index), 0, a as string);
      else if (kind === 'zrem') await replica.zrem(key(index), a as string);
      else if (kind === 'set') await replica.set(key(index), a as string);
      else throw new Error(`entry ${entry.id} has an unknown op ${String(kind)}`);
    }
  }
}

async function expectReplayReproduces(vault: string): Promise<void> {
  await replay(vault);
  const original = await stateOf(db, vault);
  expect(original).not.toBe('');
  expect(await stateOf(replica, vault)).toBe(original);
}

/** Runs one mutation and checks that it appended exactly one well-formed entry carrying the new state. */
async function expectOneEntry<T>(vault: string, op: string, action: () => Promise<T>): Promise<T> {
  const before = await entries(vault);
  const positionBefore = await position(vault);
  const earliest = clock.now();
  const result = await action();
  const after = await entries(vault);
  expect(after.length, `${op} appends exactly one entry`).toBe(before.length + 1);
  const entry = after.at(-1) as Entry;
  expect(entry.op).toBe(op);
  expect(entry.v).toBe('1');
  expect(entry.id).toBe(`${positionBefore + 1}-0`);
  expect(await position(vault)).toBe(positionBefore + 1);
  expect(Number(entry.t)).toBeGreaterThanOrEqual(earliest);
  expect(Number(entry.t)).toBeLessThanOrEqual(clock.now());
  expect(entry.ops.length).toBeGreaterThan(0);
  await expectReplayReproduces(vault);
  return result;
}

/** Runs a mutation that must be refused: it throws `status`, and neither state nor log changes. */
async function expectNothingWritten(vault: string, status: number, action: () => Promise<unknown>) {
  const log = await entries(vault);
  const state = await stateOf(db, vault);
  const positionBefore = await position(vault);
  await expect(action()).rejects.toMatchObject({ status });
  expect(await entries(vault)).toEqual(log);
  expect(await stateOf(db, vault)).toBe(state);
  expect(await position(vault)).toBe(positionBefore);
}

async function purgeJobsPending(): Promise<number> {
  const counts = await purgeQueue.getJobCounts(
    'active',
    'waiting',
    'delayed',
    'prioritized',
    'waiting-children',
  );
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

describe('change log: one entry per mutation', () => {
  it('appends exactly one entry, with the resulting state, for every operation', async () => {
    const vault = freshVault('ops');
    await expectOneEntry(vault, 'VaultPut', () => service.vaults.ensure({ name: vault, retentionDays: 7 }));
    // Ensuring it again changes nothing.
    const positionAfterCreate = await position(vault);
    await service.vaults.ensure({ name: vault, retentionDays: 30 });
    expect(await position(vault)).toBe(positionAfterCreate);

    const first = await expectOneEntry(vault, 'SecretSet', () =>
      service.secrets.set(vault, 'db-password', { value: 'one', tags: { env: 'test' } }),
    );
    await expectOneEntry(vault, 'SecretSet', () =>
      service.secrets.set(vault, 'db-password', { value: 'two', contentType: 'text/plain' }),
    );
    await expectOneEntry(vault, 'SecretUpdate', () =>
      service.secrets.updateProperties(vault, 'db-password', first.version, {
        attributes: { enabled: false },
      }),
    );
    await expectOneEntry(vault, 'SecretUpdate', () =>
      service.secrets.updateProperties(vault, 'db-password', undefined, { tags: { env: 'prod' } }),
    );
    await expectOneEntry(vault, 'SecretDelete', () => service.secrets.delete(vault, 'db-password'));
    await expectOneEntry(vault, 'SecretRecover', () => service.secrets.recover(vault, 'db-password'));
    const backup = await service.secrets.backup(vault, 'db-password');
    await expectOneEntry(vault, 'SecretDelete', () => service.secrets.delete(vault, 'db-password'));
    await expectOneEntry(vault, 'SecretPurge', () => service.secrets.purge(vault, 'db-password'));
    const restored = await expectOneEntry(vault, 'SecretRestore', () =>
      service.secrets.restore(vault, { value: backup.toString('base64url') }),
    );
    expect((await service.secrets.get(vault, 'db-password', restored.version)).value).toBe('two');

    expect((await entries(vault)).map((e) => e.op)).toEqual([
      'VaultPut',
      'SecretSet',
      'SecretSet',
      'SecretUpdate',
      'SecretUpdate',
      'SecretDelete',
      'SecretRecover',
      'SecretDelete',
      'SecretPurge',
      'SecretRestore',
    ]);
  });

  it('appends one SecretPurge entry when the scheduled purge ends the retention', async () => {
    const vault = freshVault('sched');
    await service.vaults.ensure({ name: vault, retentionDays: 7 });
    await service.secrets.set(vault, 'temporary', { value: 'gone in a week' });
    await service.secrets.delete(vault, 'temporary');
    const before = await entries(vault);
    expect(before.at(-1)?.op).toBe('SecretDelete');

    clock.shift(8 * DAY_MS);
    expect(await service.scheduler?.reschedule()).toBeGreaterThanOrEqual(1);
    await eventually(async () => expect(await entries(vault)).toHaveLength(before.length + 1));
    await pollUntil('the purge queue is idle', async () => (await purgeJobsPending()) === 0);

    const after = await entries(vault);
    expect(after).toHaveLength(before.length + 1);
    expect(after.at(-1)).toMatchObject({ op: 'SecretPurge', v: '1', id: `${before.length + 1}-0` });
    await expect(service.secrets.getDeleted(vault, 'temporary')).rejects.toMatchObject({ status: 404 });
    await expectReplayReproduces(vault);
  });
});

describe('change log: refused mutations write nothing', () => {
  it('leaves state, log and position untouched when a mutation is refused', async () => {
    const vault = freshVault('refused');
    await service.vaults.ensure({ name: vault });
    await service.secrets.set(vault, 'live', { value: 'x' });
    await service.secrets.set(vault, 'gone', { value: 'y' });
    await service.secrets.delete(vault, 'gone');
    const backupOfLive = await service.secrets.backup(vault, 'live');

    await expectNothingWritten(vault, 409, () => service.secrets.set(vault, 'gone', { value: 'z' }));
    await expectNothingWritten(vault, 400, () => service.secrets.set(vault, 'new', { value: 5 }));
    await expectNothingWritten(vault, 400, () => service.secrets.set(vault, 'bad_name', { value: 'z' }));
    await expectNothingWritten(vault, 404, () =>
      service.secrets.updateProperties(vault, 'absent', undefined, {}),
    );
    await expectNothingWritten(vault, 404, () =>
      service.secrets.updateProperties(vault, 'gone', undefined, {}),
    );
    await expectNothingWritten(vault, 400, () =>
      service.secrets.updateProperties(vault, 'live', undefined, { tags: 'nope' }),
    );
    await expectNothingWritten(vault, 404, () => service.secrets.delete(vault, 'absent'));
    await expectNothingWritten(vault, 404, () => service.secrets.delete(vault, 'gone'));
    await expectNothingWritten(vault, 404, () => service.secrets.recover(vault, 'live'));
    await expectNothingWritten(vault, 404, () => service.secrets.purge(vault, 'live'));
    await expectNothingWritten(vault, 409, () =>
      service.secrets.restore(vault, { value: backupOfLive.toString('base64url') }),
    );
    await expectNothingWritten(vault, 400, () => service.secrets.restore(vault, { value: 'AAAA' }));
    await expectNothingWritten(vault, 404, () =>
      service.secrets.set('no-such-vault-here', 'x', { value: 'x' }),
    );
    await expectReplayReproduces(vault);
  });
});

describe('store API shape', () => {
  // Validation errors must arrive as rejections, so that `.catch()` callers see them too.
  it('SecretStore methods reject on invalid input instead of throwing synchronously', async () => {
    const vault = freshVault('sync');
    await service.vaults.ensure({ name: vault });
    const calls: Record<string, () => Promise<unknown>> = {
      set: () => service.secrets.set(vault, 'bad_name', { value: 'x' }),
      get: () => service.secrets.get(vault, 'bad_name'),
      updateProperties: () => service.secrets.updateProperties(vault, 'bad_name', undefined, {}),
      delete: () => service.secrets.delete(vault, 'bad_name'),
      getDeleted: () => service.secrets.getDeleted(vault, 'bad_name'),
      recover: () => service.secrets.recover(vault, 'bad_name'),
      purge: () => service.secrets.purge(vault, 'bad_name'),
      listVersions: () => service.secrets.listVersions(vault, 'bad_name', {}),
    };
    for (const [method, call] of Object.entries(calls)) {
      let promise: Promise<unknown> | undefined;
      expect(() => {
        promise = call();
      }, method).not.toThrow();
      await expect(promise, method).rejects.toMatchObject({ status: 400 });
    }
  });
});

describe('change log: concurrent updates', () => {
  it('lands every one of 8 concurrent updates of one version (CAS retries), one entry each', async () => {
    const vault = freshVault('cas');
    await service.vaults.ensure({ name: vault });
    const secret = await service.secrets.set(vault, 'contended', { value: 'v' });
    const before = await entries(vault);
    const writers = Array.from({ length: 8 }, (_, i) => `writer-${i}`);

    const results = await Promise.all(
      writers.map((writer) =>
        service.secrets.updateProperties(vault, 'contended', secret.version, { tags: { writer } }),
      ),
    );
    expect(results.map((r) => r.doc.tags?.writer).sort()).toEqual(writers);

    const added = (await entries(vault)).slice(before.length);
    expect(added).toHaveLength(writers.length);
    expect(added.every((e) => e.op === 'SecretUpdate')).toBe(true);
    // Each entry carries the document one writer produced: every writer's change is in the log once.
    const written = added.map((e) => {
      const hset = e.ops.find((op) => op[0] === 'hset') as [string, number, string, string];
      return (JSON.parse(hset[3]) as { tags: { writer: string } }).tags.writer;
    });
    expect(written.sort()).toEqual(writers);
    await expectReplayReproduces(vault);
  });

  // Each compare-and-set round has one winner; with more writers than retries, updates used to fail.
  it('lands every one of 40 concurrent updates of one version', async () => {
    const vault = freshVault('cas40');
    await service.vaults.ensure({ name: vault });
    const secret = await service.secrets.set(vault, 'contended', { value: 'v' });
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        service.secrets.updateProperties(vault, 'contended', secret.version, { tags: { writer: `${i}` } }),
      ),
    );
    expect(await entries(vault)).toHaveLength(2 + 40);
  });
});
