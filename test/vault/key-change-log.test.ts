import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { eventually, pollUntil, startTestRedis, type TestRedis } from '@vaultover/testkit';
import { createVaultService, SimulatedClock, type VaultService } from '@vaultover/vault';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeLogProbe, writtenDocument, writtenField } from '../support/change-log.ts';

// The change log of a vault's keys, at the store level: every key mutation (the rotation policy
// included) appends exactly one entry carrying the resulting state, reads and cryptography append
// nothing, refused mutations write nothing, and the entries alone rebuild the vault byte for byte.

const DAY_MS = 86_400_000;

let redis: TestRedis;
let db: Redis;
let clock: SimulatedClock;
let service: VaultService;
let log: ChangeLogProbe;
const queue = { name: 'purge', prefix: `{vo-purge-keys-${randomBytes(4).toString('hex')}}` };
let purgeQueue: Queue;

beforeAll(async () => {
  redis = await startTestRedis('key-change-log', { externalDb: 15 });
  db = redis.client();
  // External Redis: replay into change-log's replay database, under vault names of our own (kcl-*).
  const replica = redis.client(redis.kind === 'external' ? 5 : 1);
  clock = new SimulatedClock();
  service = createVaultService({
    redis: db,
    clock,
    masterKey: randomBytes(32),
    queue: { connection: { url: redis.url }, toRealMs: (ms) => clock.toRealMs(ms), prefix: queue.prefix },
  });
  log = new ChangeLogProbe(db, replica, clock);
  purgeQueue = new Queue(queue.name, { connection: { url: redis.url }, prefix: queue.prefix });
});

afterAll(async () => {
  await purgeQueue?.close();
  await service?.close();
  await redis?.stop();
});

async function freshVault(label: string, retentionDays = 90): Promise<string> {
  const vault = `kcl-${label}-${randomBytes(3).toString('hex')}`;
  await service.vaults.ensure({ name: vault, retentionDays });
  return vault;
}

const digest = createHash('sha256').update('data').digest().toString('base64url');

describe('key change log: one entry per mutation', () => {
  it('appends exactly one entry, with the resulting state, for every key mutation', async () => {
    const vault = await freshVault('ops');
    const keys = service.keys;
    const { result: created } = await log.expectOneEntry(vault, 'KeyCreate', () =>
      keys.create(vault, 'signer', { kty: 'EC', crv: 'P-256', tags: { env: 'test' } }),
    );
    const jwk = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
    await log.expectOneEntry(vault, 'KeyImport', () => keys.import(vault, 'wrapper', { key: jwk }));
    const { entry: update } = await log.expectOneEntry(vault, 'KeyUpdate', () =>
      keys.update(vault, 'signer', created.version, { tags: { env: 'prod' }, key_ops: ['verify'] }),
    );
    expect(writtenDocument(update, `v:${created.version}`)).toMatchObject({
      tags: { env: 'prod' },
      keyOps: ['verify'],
    });
    const { entry: policy } = await log.expectOneEntry(vault, 'KeyRotationPolicySet', () =>
      keys.setRotationPolicy(vault, 'signer', { attributes: { expiryTime: 'P30D' } }),
    );
    expect(writtenDocument(policy, 'a:rotation-policy')).toMatchObject({
      expiryTime: 'P30D',
      lifetimeActions: [{ trigger: { timeBeforeExpiry: 'P30D' }, action: { type: 'Notify' } }],
    });
    const { result: rotated, entry: rotation } = await log.expectOneEntry(vault, 'KeyRotate', () =>
      keys.rotate(vault, 'signer'),
    );
    expect(writtenField(rotation, 'head')).toBe(rotated.version);
    await log.expectOneEntry(vault, 'KeyDelete', () => keys.delete(vault, 'signer'));
    await log.expectOneEntry(vault, 'KeyRecover', () => keys.recover(vault, 'signer'));
    const backup = await keys.backup(vault, 'signer');
    await log.expectOneEntry(vault, 'KeyDelete', () => keys.delete(vault, 'signer'));
    await log.expectOneEntry(vault, 'KeyPurge', () => keys.purge(vault, 'signer'));
    const { entry: restore } = await log.expectOneEntry(vault, 'KeyRestore', () =>
      keys.restore(vault, { value: backup.toString('base64url') }),
    );
    // The restore carries both versions and the rotation policy in its one entry.
    expect(restore.ops.filter((op) => op[0] === 'hset' && String(op[2]).startsWith('v:'))).toHaveLength(2);
    expect(writtenDocument(restore, 'a:rotation-policy')).toMatchObject({ expiryTime: 'P30D' });

    const ops = (await log.entries(vault)).map((e) => e.op);
    expect(ops.slice(ops.indexOf('KeyCreate'))).toEqual([
      'KeyCreate',
      'KeyImport',
      'KeyUpdate',
      'KeyRotationPolicySet',
      'KeyRotate',
      'KeyDelete',
      'KeyRecover',
      'KeyDelete',
      'KeyPurge',
      'KeyRestore',
    ]);
  });

  it('appends nothing for reads, backups, cryptography and random bytes', async () => {
    const vault = await freshVault('reads');
    await service.keys.create(vault, 'reader', { kty: 'RSA' });
    const { keys, keyCrypto } = service;
    await log.expectNothingWritten(vault, async () => {
      await keys.get(vault, 'reader');
      await keys.list(vault, {});
      await keys.listVersions(vault, 'reader', {});
      await keys.rotationPolicy(vault, 'reader');
      await keys.backup(vault, 'reader');
      const signed = await keyCrypto.sign(vault, 'reader', undefined, { alg: 'RS256', value: digest });
      await keyCrypto.verify(vault, 'reader', undefined, {
        alg: 'RS256',
        digest,
        value: signed.value.toString('base64url'),
      });
      const encrypted = await keyCrypto.encrypt(vault, 'reader', undefined, {
        alg: 'RSA-OAEP',
        value: 'AQID',
      });
      await keyCrypto.decrypt(vault, 'reader', undefined, {
        alg: 'RSA-OAEP',
        value: encrypted.value.toString('base64url'),
      });
      keyCrypto.randomBytes({ count: 16 });
    });
  });
});

describe('key change log: refused mutations write nothing', () => {
  it('leaves state, log and position untouched', async () => {
    const vault = await freshVault('refused');
    const { keys } = service;
    await keys.create(vault, 'live', { kty: 'EC' });
    await keys.create(vault, 'gone', { kty: 'EC' });
    await keys.delete(vault, 'gone');
    const backupOfLive = await keys.backup(vault, 'live');
    const refusals: [string, () => Promise<unknown>][] = [
      ['create over a deleted name', () => keys.create(vault, 'gone', { kty: 'EC' })],
      ['create with an unknown kty', () => keys.create(vault, 'new', { kty: 'DSA' })],
      [
        'import a public key',
        () => keys.import(vault, 'new', { key: { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' } }),
      ],
      ['update an absent key', () => keys.update(vault, 'absent', undefined, { tags: {} })],
      ['update with bad key_ops', () => keys.update(vault, 'live', undefined, { key_ops: ['x'] })],
      ['rotate a deleted key', () => keys.rotate(vault, 'gone')],
      ['set the policy of an absent key', () => keys.setRotationPolicy(vault, 'absent', {})],
      [
        'set a policy that breaks the rules',
        () => keys.setRotationPolicy(vault, 'live', { attributes: { expiryTime: 'P1D' } }),
      ],
      ['delete an absent key', () => keys.delete(vault, 'absent')],
      ['recover a live key', () => keys.recover(vault, 'live')],
      ['purge a live key', () => keys.purge(vault, 'live')],
      ['restore over a live name', () => keys.restore(vault, { value: backupOfLive.toString('base64url') })],
    ];
    for (const [what, refused] of refusals) {
      await expect(refused(), what).rejects.toMatchObject({ isVaultError: true });
      await log.expectNothingWritten(vault, refused);
    }
    await log.expectReplayReproduces(vault);
  });
});

describe('scheduled purge of deleted keys', () => {
  it('purges a deleted key when its retention ends, as one KeyPurge entry', async () => {
    const vault = await freshVault('sched', 7);
    await service.keys.create(vault, 'temporary', { kty: 'EC' });
    await service.keys.delete(vault, 'temporary');
    const before = await log.entries(vault);
    expect(before.at(-1)?.op).toBe('KeyDelete');

    clock.shift(8 * DAY_MS);
    expect(await service.scheduler?.reschedule()).toBeGreaterThanOrEqual(1);
    await eventually(async () => expect(await log.entries(vault)).toHaveLength(before.length + 1));
    // Deleted keys of other tests wait out their 90 days: only due work must be done.
    await pollUntil('no purge is due or running', async () => {
      const counts = await purgeQueue.getJobCounts('active', 'waiting', 'prioritized');
      return Object.values(counts).reduce((sum, n) => sum + n, 0) === 0;
    });
    expect((await log.entries(vault)).at(-1)).toMatchObject({ op: 'KeyPurge', v: '1' });
    await expect(service.keys.getDeleted(vault, 'temporary')).rejects.toMatchObject({ status: 404 });
    await log.expectReplayReproduces(vault);
  });

  it('schedules the purge of deleted keys again at start-up (reconcilePurges)', async () => {
    const vault = await freshVault('reconcile');
    await service.keys.create(vault, 'k1', { kty: 'EC' });
    await service.keys.delete(vault, 'k1');
    await service.secrets.set(vault, 's1', { value: 'x' });
    await service.secrets.delete(vault, 's1');
    expect(await service.reconcilePurges(vault)).toBe(2);
  });
});
