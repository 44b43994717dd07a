import { randomBytes } from 'node:crypto';
import { eventually, pollUntil, startTestRedis, type TestRedis } from '@vaultover/testkit';
import { createVaultService, SimulatedClock, type VaultService } from '@vaultover/vault';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeLogProbe } from '../support/change-log.ts';

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
let probe: ChangeLogProbe;

beforeAll(async () => {
  redis = await startTestRedis('change-log', { externalDb: 4 });
  db = redis.client();
  replica = redis.client(redis.kind === 'external' ? 5 : 1);
  clock = new SimulatedClock();
  probe = new ChangeLogProbe(db, replica, clock);
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

// Reading, replaying and checking the log is shared with the key and certificate change-log tests.
const entries = (vault: string) => probe.entries(vault);
const position = (vault: string) => probe.position(vault);
const expectReplayReproduces = (vault: string) => probe.expectReplayReproduces(vault);
const expectOneEntry = async <T>(vault: string, op: string, action: () => Promise<T>): Promise<T> =>
  (await probe.expectOneEntry(vault, op, action)).result;
const expectNothingWritten = (vault: string, status: number, action: () => Promise<unknown>) =>
  probe.expectRefused(vault, status, action);

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
