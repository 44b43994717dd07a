import { randomBytes } from 'node:crypto';
import { startTestRedis, type TestRedis } from '@vaultover/testkit';
import { createVaultService, SimulatedClock, type VaultService, vaultPrefix } from '@vaultover/vault';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dumpKeys, type KeyDump } from '../support/redis-dump.ts';

// Secret values never reach Redis in the clear: not in object documents, not in the change stream,
// not in BullMQ's purge jobs, not base64- or hex-encoded. A different master key cannot open them.

let redis: TestRedis;
let db: Redis;
let clock: SimulatedClock;
let service: VaultService;
const vault = `enc-${randomBytes(3).toString('hex')}`;
const queuePrefix = `{vo-purge-enc-${randomBytes(3).toString('hex')}}`;

const VALUES = {
  ascii: 'plaintext-Aardvark-7f3c9e1b-correct-horse-battery-staple',
  unicode: 'пароль-ключ-秘密-9c8b7a6d5e-ünïcödé',
  json: '{"password":"hunter2-Quokka-51ab","user":"svc-payments"}',
  secondVersion: 'second-version-Narwhal-0d9e8f7a6b5c4d3e',
  deleted: 'soft-deleted-Pangolin-3c2b1a0f9e8d7c6b',
  restored: 'restored-from-backup-Axolotl-a1b2c3d4e5f6',
  long: `long-Okapi-${randomBytes(1500).toString('hex')}`,
};
const TAG_VALUE = 'visible-tag-value-Ibex-77';

beforeAll(async () => {
  redis = await startTestRedis('encryption', { externalDb: 6 });
  db = redis.client();
  clock = new SimulatedClock();
  service = createVaultService({
    redis: db,
    clock,
    masterKey: randomBytes(32),
    queue: { connection: { url: redis.url }, toRealMs: (ms) => clock.toRealMs(ms), prefix: queuePrefix },
  });
  await service.vaults.ensure({ name: vault, retentionDays: 7 });
  const s = service.secrets;
  await s.set(vault, 'ascii', { value: VALUES.ascii, tags: { note: TAG_VALUE } });
  await s.set(vault, 'unicode', { value: VALUES.unicode, contentType: 'text/plain; charset=utf-8' });
  await s.set(vault, 'json', { value: VALUES.json, contentType: 'application/json' });
  await s.set(vault, 'long', { value: VALUES.long });
  const first = await s.set(vault, 'versioned', { value: VALUES.ascii });
  await s.set(vault, 'versioned', { value: VALUES.secondVersion });
  await s.updateProperties(vault, 'versioned', first.version, { attributes: { enabled: false } });
  // A soft-deleted secret: its purge is a BullMQ job now.
  await s.set(vault, 'deleted', { value: VALUES.deleted });
  await s.delete(vault, 'deleted');
  // Backup, purge, restore: the restored copy is sealed again.
  await s.set(vault, 'restored', { value: VALUES.restored });
  const backup = await s.backup(vault, 'restored');
  await s.delete(vault, 'restored');
  await s.purge(vault, 'restored');
  await s.restore(vault, { value: backup.toString('base64url') });
  expect((await s.get(vault, 'restored')).value).toBe(VALUES.restored);
});

afterAll(async () => {
  await service?.close();
  await redis?.stop();
});

/** Base64 text of `bytes` wherever they sit in a larger buffer: the characters fixed by `bytes` alone, at each of the 3 alignments. */
function base64Fragments(bytes: Buffer): string[] {
  const fragments: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const start = offset === 0 ? 0 : 4;
    const end = Math.floor((offset + bytes.length) / 3) * 4;
    fragments.push(encoded.slice(start, end));
  }
  return fragments;
}

/** Every form in which a value could leak: raw, JSON-escaped, base64, base64url, hex, and a middle slice. */
function leakForms(value: string): { form: string; needle: Buffer }[] {
  const bytes = Buffer.from(value, 'utf8');
  const forms = [
    { form: 'utf8', needle: bytes },
    { form: 'json-escaped', needle: Buffer.from(JSON.stringify(value).slice(1, -1)) },
    { form: 'middle slice', needle: Buffer.from(value.slice(8, 28)) },
    { form: 'hex', needle: Buffer.from(bytes.toString('hex')) },
  ];
  for (const fragment of base64Fragments(bytes)) {
    forms.push({ form: 'base64', needle: Buffer.from(fragment) });
    forms.push({ form: 'base64url', needle: Buffer.from(fragment.replace(/\+/g, '-').replace(/\//g, '_')) });
  }
  for (const f of forms)
    expect(f.needle.length, `${f.form} needle is distinctive`).toBeGreaterThanOrEqual(16);
  return forms;
}

function findings(dumps: readonly KeyDump[], needle: Buffer): string[] {
  const found: string[] = [];
  for (const dump of dumps) {
    if (Buffer.from(dump.key).includes(needle)) found.push(`${dump.key} (key name)`);
    dump.parts.forEach((part, i) => {
      if (part.includes(needle)) found.push(`${dump.key} (${dump.type}, part ${i})`);
    });
  }
  return found;
}

describe('encryption at rest', () => {
  it('stores no secret value in any form anywhere in Redis', async () => {
    const dumps = await dumpKeys(db);
    // The dump really covers the vault's objects, its change stream and the purge queue.
    const types = new Set(dumps.map((d) => d.type));
    for (const type of ['hash', 'zset', 'stream', 'string']) expect(types).toContain(type);
    expect(dumps.some((d) => d.key.startsWith(queuePrefix) && d.type === 'hash')).toBe(true);
    expect(dumps.some((d) => d.key === `${vaultPrefix(vault)}log`)).toBe(true);
    // And the search finds what is stored in the clear by design (tags), so it can find leaks.
    expect(findings(dumps, Buffer.from(TAG_VALUE))).not.toEqual([]);

    for (const [name, value] of Object.entries(VALUES)) {
      for (const { form, needle } of leakForms(value)) {
        expect(findings(dumps, needle), `${name} as ${form}`).toEqual([]);
      }
    }
  });

  it('can detect a base64url copy at any alignment (check of the search itself)', async () => {
    const canary = 'canary-value-Wombat-19f0e8d7';
    for (const prefix of ['', 'x', 'xy']) {
      await db.set(`test-canary-${prefix.length}`, Buffer.from(prefix + canary).toString('base64url'));
    }
    try {
      const dumps = await dumpKeys(db, 'test-canary-*');
      const hits = leakForms(canary).filter(({ needle }) => findings(dumps, needle).length > 0);
      // Each of the three stored copies is caught by the base64url fragment of its alignment.
      expect(hits.filter((h) => h.form === 'base64url').length).toBeGreaterThanOrEqual(3);
    } finally {
      await db.del('test-canary-0', 'test-canary-1', 'test-canary-2');
    }
  });

  it('keeps values as sealed envelopes (v1:, base64url AES-GCM)', async () => {
    const stored = await db.hgetall(`${vaultPrefix(vault)}o:secret:ascii`);
    const head = stored.head as string;
    const doc = JSON.parse(stored[`v:${head}`] as string) as { value: string };
    expect(doc.value).toMatch(/^v1:[A-Za-z0-9_-]+$/);
    // 12-byte IV + 16-byte tag + ciphertext as long as the plaintext.
    expect(Buffer.from(doc.value.slice(3), 'base64url').length).toBe(
      12 + 16 + Buffer.byteLength(VALUES.ascii),
    );
  });
});

describe('another master key', () => {
  let other: VaultService;

  beforeAll(() => {
    other = createVaultService({ redis: redis.client(), clock, masterKey: randomBytes(32) });
  });

  afterAll(async () => {
    await other?.close();
  });

  it('cannot read a value: get fails with a clear error, never garbage', async () => {
    for (const name of ['ascii', 'unicode', 'long', 'restored']) {
      await expect(other.secrets.get(vault, name)).rejects.toMatchObject({
        name: 'UnsealError',
        message: 'sealed value does not decrypt under this master key and context',
      });
    }
    // The properties stay readable; only the values are sealed.
    const page = await other.secrets.list(vault, {});
    expect(page.items.map((i) => i.name)).toContain('ascii');
  });

  it('cannot back up, and refuses to restore a backup of another deployment', async () => {
    await expect(other.secrets.backup(vault, 'ascii')).rejects.toMatchObject({ name: 'UnsealError' });
    const blob = await service.secrets.backup(vault, 'json');
    const elsewhere = `enc-other-${randomBytes(3).toString('hex')}`;
    await other.vaults.ensure({ name: elsewhere });
    await expect(
      other.secrets.restore(elsewhere, { value: blob.toString('base64url') }),
    ).rejects.toMatchObject({
      status: 400,
      code: 'BadParameter',
      message: 'Backup blob contains invalid or corrupt version.',
    });
  });

  it('binds a sealed value to its secret: copied into another secret, it does not open', async () => {
    const donor = await service.secrets.set(vault, 'donor', { value: 'donor-value-Tapir-6e5d' });
    const victim = await service.secrets.set(vault, 'victim', { value: 'victim-value' });
    const donorDoc = await db.hget(`${vaultPrefix(vault)}o:secret:donor`, `v:${donor.version}`);
    await db.hset(`${vaultPrefix(vault)}o:secret:victim`, `v:${victim.version}`, donorDoc as string);
    await expect(service.secrets.get(vault, 'victim')).rejects.toMatchObject({ name: 'UnsealError' });
  });
});
