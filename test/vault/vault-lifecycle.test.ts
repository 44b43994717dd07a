import { randomBytes } from 'node:crypto';
import { startTestRedis, type TestRedis } from '@vaultover/testkit';
import {
  createVaultService,
  logKeys,
  PurgeScheduler,
  SimulatedClock,
  VAULT_INDEX_KEY,
  VAULT_PURGE_KIND,
  type VaultService,
  vaultPrefix,
} from '@vaultover/vault';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonical, dumpKeys } from '../support/redis-dump.ts';

// Vaults as resources at the store level: their change entries rebuild their keys (purge included), the
// committer refuses writes into a vault deleted behind a stale cache, and start-up repairs what lives
// outside the vault's atomic step (the name index, the scheduled purges).

const TENANT = '00000000-0000-0000-0000-000000000000';
const GROUP = 'store';

let redis: TestRedis;
let db: Redis;
let replica: Redis;
let clock: SimulatedClock;
let service: VaultService;
let other: VaultService;
const prefix = `{vo-purge-vl-${randomBytes(3).toString('hex')}}`;
let queue: Queue;

function newService(): VaultService {
  return createVaultService({
    redis: db,
    clock,
    masterKey: randomBytes(32),
    location: 'here',
    queue: { connection: { url: redis.url }, toRealMs: (ms) => clock.toRealMs(ms), prefix },
  });
}

beforeAll(async () => {
  // External mode: shares database 9 with vault-management-sdk, and touches only its own vaults and index
  // entries; the replica database is scratch space for its own vault names.
  redis = await startTestRedis('vault-lifecycle', { externalDb: 9 });
  db = redis.client();
  replica = redis.client(redis.kind === 'external' ? 0 : 1);
  clock = new SimulatedClock();
  service = newService();
  // A second node's view of the same Redis, with a cache of its own.
  other = newService();
  queue = new Queue('purge', { connection: { url: redis.url }, prefix });
});

afterAll(async () => {
  await queue?.close();
  await other?.close();
  await service?.close();
  await redis?.stop();
});

const fresh = (label: string) => `vl-${label}-${randomBytes(3).toString('hex')}`;
const request = (name: string) => ({ resourceGroup: GROUP, name, principal: 'tester' });
const body = (properties: Record<string, unknown> = {}) => ({
  location: 'here',
  properties: { tenantId: TENANT, sku: { name: 'standard' }, ...properties },
});

/** Replays every entry of the vault's stream on an empty keyspace of the replica database. */
async function replayed(name: string): Promise<string> {
  const keyPrefix = vaultPrefix(name);
  for (const stale of (await dumpKeys(replica, `${keyPrefix}*`)).map((d) => d.key)) await replica.del(stale);
  for (const [, fields] of await db.xrange(logKeys(name).stream, '-', '+')) {
    const field = (f: string) => fields[fields.indexOf(f) + 1] as string;
    const keys = JSON.parse(field('keys')) as string[];
    for (const [kind, index, a, b] of JSON.parse(field('ops')) as [string, number, string, string][]) {
      const key = keyPrefix + keys[index];
      if (kind === 'hset') await replica.hset(key, a, b);
      else if (kind === 'hdel') await replica.hdel(key, a);
      else if (kind === 'del') await replica.del(key);
      else if (kind === 'zadd') await replica.zadd(key, 0, a);
      else if (kind === 'zrem') await replica.zrem(key, a);
      else if (kind === 'set') await replica.set(key, a);
      else throw new Error(`unknown op ${kind}`);
    }
  }
  return stateOf(replica, name);
}

async function stateOf(client: Redis, name: string): Promise<string> {
  const log = logKeys(name);
  const dumps = await dumpKeys(client, `${vaultPrefix(name)}*`);
  return canonical(
    dumps.filter((d) => d.key !== log.stream && d.key !== log.position),
    vaultPrefix(name),
  );
}

describe('vault change entries', () => {
  it('rebuild the vault through create, update, delete, recover and purge', async () => {
    const name = fresh('replay');
    await service.management.createOrUpdate(request(name), body({ softDeleteRetentionInDays: 7 }));
    await service.secrets.set(name, 'kept', { value: 'one' });
    await service.secrets.set(name, 'dropped', { value: 'two' });
    await service.secrets.delete(name, 'dropped');
    await service.management.update(request(name), { tags: { env: 'test' } });
    await service.management.delete(request(name));
    await service.management.createOrUpdate(request(name), body({ createMode: 'recover' }));
    expect(await replayed(name)).toBe(await stateOf(db, name));
    expect(await stateOf(db, name)).not.toBe('');

    await service.management.delete(request(name));
    await service.management.purges.purge('here', name);
    expect(await stateOf(db, name)).toBe('');
    expect(await replayed(name)).toBe('');
    const ops = (await db.xrange(logKeys(name).stream, '-', '+')).map(([, f]) => f[f.indexOf('op') + 1]);
    expect(ops.filter((op) => op?.startsWith('Vault'))).toEqual([
      'VaultPut',
      'VaultPatch',
      'VaultDelete',
      'VaultRecover',
      'VaultDelete',
      'VaultPurge',
    ]);
  });
});

describe('the live-vault guard', () => {
  it('refuses a write committed after the vault was deleted elsewhere, writing nothing', async () => {
    const name = fresh('guard');
    await service.management.createOrUpdate(request(name), body());
    await other.secrets.set(name, 'cached', { value: 'x' }); // the other node now caches the vault as live
    await service.management.delete(request(name));
    const entries = await db.xlen(logKeys(name).stream);
    const state = await stateOf(db, name);
    await expect(other.secrets.set(name, 'late', { value: 'y' })).rejects.toMatchObject({
      status: 404,
      code: 'VaultNotFound',
    });
    expect(await db.xlen(logKeys(name).stream)).toBe(entries);
    expect(await stateOf(db, name)).toBe(state);
  });
});

describe('start-up reconciliation', () => {
  it('rebuilds the name index from the vaults and drops names without one', async () => {
    const name = fresh('index');
    await service.management.createOrUpdate(request(name), body());
    // As if a crash had come between the vault's commit and the index update, and after a purge's commit.
    await db.zrem(VAULT_INDEX_KEY, name);
    await db.zadd(VAULT_INDEX_KEY, 0, 'vl-ghost-vault');
    await service.management.reconcile();
    expect((await service.management.queries.list({}, GROUP)).items.map((v) => v.name)).toContain(name);
    expect(await db.zscore(VAULT_INDEX_KEY, 'vl-ghost-vault')).toBeNull();
  });

  it('plans again the scheduled purge of a deleted vault whose job was lost', async () => {
    const name = fresh('job');
    await service.management.createOrUpdate(request(name), body({ softDeleteRetentionInDays: 7 }));
    await service.management.delete(request(name));
    const deleted = await service.management.queries.getDeleted('here', name);
    const jobId = PurgeScheduler.jobId({
      vault: name,
      kind: VAULT_PURGE_KIND,
      name,
      deletion: deleted.deletion,
    });
    expect(await (await queue.getJob(jobId))?.isDelayed()).toBe(true);
    await queue.remove(jobId);
    expect(await queue.getJob(jobId)).toBeUndefined();
    await service.management.reconcile();
    expect(await (await queue.getJob(jobId))?.isDelayed()).toBe(true);
    // Recovering removes exactly that job.
    await service.management.createOrUpdate(request(name), body({ createMode: 'recover' }));
    expect(await queue.getJob(jobId)).toBeUndefined();
  });
});
