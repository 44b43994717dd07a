import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { KeyClient } from '@azure/keyvault-keys';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyClient, sdkJwk } from '../support/key-clients.ts';
import { startTestRegion, type TestRegion } from '../support/region.ts';
import { expectRestError, innerCode } from '../support/rest-error.ts';

// End to end with the real KeyClient of @azure/keyvault-keys against a running region node: every
// key type, size and curve, import, reads and lists, updates, soft delete, backup, rotation, rng.

const FAST_POLL = { intervalInMs: 10 };
const b64 = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString('base64url');

let region: TestRegion;
let admin: KeyClient;

beforeAll(async () => {
  region = await startTestRegion({ externalDb: 11, extraVaults: [{ name: 'keypages' }] });
  admin = keyClient(region, 'admin');
});

afterAll(async () => {
  await region?.close();
});

describe('KeyClient: creating every key type', () => {
  it.each([2048, 3072, 4096])(
    'creates an RSA key of %i bits with the default operations',
    async (keySize) => {
      const key = await admin.createRsaKey(`rsa-${keySize}`, { keySize, tags: { size: `${keySize}` } });
      expect(key.keyType).toBe('RSA');
      expect(key.id).toBe(`${region.url}/keys/rsa-${keySize}/${key.properties.version}`);
      expect(key.properties.version).toMatch(/^[0-9a-f]{32}$/);
      expect(key.key?.n?.length).toBe(keySize / 8);
      expect(b64(key.key?.e)).toBe('AQAB');
      expect(key.keyOperations).toEqual(['encrypt', 'decrypt', 'sign', 'verify', 'wrapKey', 'unwrapKey']);
      expect(key.properties).toMatchObject({
        enabled: true,
        tags: { size: `${keySize}` },
        recoveryLevel: 'Recoverable+Purgeable',
        recoverableDays: 90,
      });
      expect(key.key?.d).toBeUndefined();
    },
  );

  it('creates an RSA-HSM key and echoes its type, operations and validity dates', async () => {
    const notBefore = new Date(Date.now() - 60_000);
    const expiresOn = new Date(Date.now() + 86_400_000);
    const key = await admin.createRsaKey('rsa-hsm', {
      hsm: true,
      keySize: 3072,
      keyOps: ['sign', 'verify'],
      notBefore,
      expiresOn,
    });
    expect(key.keyType).toBe('RSA-HSM');
    expect(key.keyOperations).toEqual(['sign', 'verify']);
    expect(key.key?.n?.length).toBe(384);
    expect(key.properties.notBefore?.getTime()).toBe(Math.floor(notBefore.getTime() / 1000) * 1000);
    expect(key.properties.expiresOn?.getTime()).toBe(Math.floor(expiresOn.getTime() / 1000) * 1000);
  });

  it.each([
    ['P-256', 32],
    ['P-384', 48],
    ['P-521', 66],
    ['P-256K', 32],
  ] as const)('creates an EC key on %s with sign and verify', async (curve, bytes) => {
    const name = `ec-${curve.toLowerCase()}`;
    const key = await admin.createEcKey(name, { curve });
    expect(key.keyType).toBe('EC');
    expect(key.key?.crv).toBe(curve);
    expect(key.key?.x?.length).toBe(bytes);
    expect(key.key?.y?.length).toBe(bytes);
    expect(key.keyOperations).toEqual(['sign', 'verify']);
    expect(key.key?.d).toBeUndefined();
  });

  it('creates an EC-HSM key on P-256 by default, and with createKey("EC")', async () => {
    const hsm = await admin.createEcKey('ec-hsm', { hsm: true });
    expect(hsm.keyType).toBe('EC-HSM');
    expect(hsm.key?.crv).toBe('P-256');
    const plain = await admin.createKey('ec-default', 'EC');
    expect(plain.key?.crv).toBe('P-256');
  });

  it('refuses oct keys (Managed HSM only) and RSA sizes a vault does not offer with 400 BadParameter', async () => {
    const oct = await expectRestError(admin.createOctKey('oct-key'), 400, 'BadParameter');
    expect(oct.message).toContain('Managed HSM');
    const small = await expectRestError(
      admin.createRsaKey('rsa-1024', { keySize: 1024 }),
      400,
      'BadParameter',
    );
    expect(small.message).toContain('2048, 3072, 4096');
    await expectRestError(admin.getKey('rsa-1024'), 404, 'KeyNotFound');
  });
});

describe('KeyClient: importing key pairs', () => {
  it('imports an RSA key: the public part comes back, the private part never does', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = privateKey.export({ format: 'jwk' });
    const key = await admin.importKey('imported-rsa', sdkJwk(jwk, { keyOps: ['encrypt', 'decrypt'] }), {
      tags: { origin: 'import' },
    });
    expect(key.keyType).toBe('RSA');
    expect(b64(key.key?.n)).toBe(jwk.n);
    expect(key.keyOperations).toEqual(['encrypt', 'decrypt']);
    expect(key.properties.tags).toEqual({ origin: 'import' });
    for (const part of ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const) expect(key.key?.[part]).toBeUndefined();
  });

  it('imports an EC key on P-256K as an HSM key (hardwareProtected sends "Hsm": true)', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    const jwk = privateKey.export({ format: 'jwk' });
    const key = await admin.importKey('imported-ec', sdkJwk({ ...jwk, kty: 'EC' }), {
      hardwareProtected: true,
    });
    expect(key.keyType).toBe('EC-HSM');
    expect(key.key?.crv).toBe('P-256K');
    expect(b64(key.key?.x)).toBe(jwk.x);
    expect(key.keyOperations).toEqual(['sign', 'verify']);
  });

  it('refuses a JWK without its private part, and one whose private part belongs to another key', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const publicOnly = createPublicKey(privateKey).export({ format: 'jwk' });
    const error = await expectRestError(
      admin.importKey('public-only', sdkJwk(publicOnly)),
      400,
      'BadParameter',
    );
    expect(error.message).toContain('no private part');
    // Vaultover's own check, not OpenSSL's: OpenSSL versions differ on whether and how such a pair fails.
    const mismatchMessage =
      'Invalid key: the private part of the JSON Web Key does not match its public part.';
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
    const mixed = { ...privateKey.export({ format: 'jwk' }), d: other.d };
    const mismatch = await expectRestError(admin.importKey('mixed', sdkJwk(mixed)), 400, 'BadParameter');
    expect(mismatch.message).toBe(mismatchMessage);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
    const otherRsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
    const mixedRsa = { ...rsa, d: otherRsa.d, dp: otherRsa.dp, dq: otherRsa.dq };
    const rsaMismatch = await expectRestError(
      admin.importKey('mixed-rsa', sdkJwk(mixedRsa)),
      400,
      'BadParameter',
    );
    expect(rsaMismatch.message).toBe(mismatchMessage);
    await expectRestError(admin.getKey('mixed'), 404, 'KeyNotFound');
  });
});

describe('KeyClient: reading, listing and updating', () => {
  it('gets the latest version and a given one, and lists versions with versioned kids', async () => {
    const first = await admin.createEcKey('versioned', { curve: 'P-256' });
    const second = await admin.createEcKey('versioned', { curve: 'P-384' });
    const latest = await admin.getKey('versioned');
    expect(latest.properties.version).toBe(second.properties.version);
    expect(latest.key?.crv).toBe('P-384');
    const older = await admin.getKey('versioned', { version: first.properties.version });
    expect(older.key?.crv).toBe('P-256');
    expect(older.id).toBe(first.id);
    const versions: string[] = [];
    for await (const properties of admin.listPropertiesOfKeyVersions('versioned')) {
      expect(properties.id).toBe(`${region.url}/keys/versioned/${properties.version}`);
      versions.push(properties.version ?? '');
    }
    expect(versions.sort()).toEqual([first.properties.version, second.properties.version].sort());
    await expectRestError(admin.getKey('versioned', { version: '0'.repeat(32) }), 404, 'KeyNotFound');
    const missing = await expectRestError(admin.getKey('never-created'), 404, 'KeyNotFound');
    expect(missing.message).toContain('A key with (name/id) never-created was not found in this key vault.');
    // Versions of a key that does not exist: an empty page, as the real service answers, not a 404.
    const none: string[] = [];
    for await (const properties of admin.listPropertiesOfKeyVersions('never-created'))
      none.push(properties.version ?? '');
    expect(none).toEqual([]);
  });

  it('lists keys page by page; items carry kid, which the SDK turns into name and id', async () => {
    const client = keyClient(region, 'admin', region.vaultUrl('keypages'));
    const names = ['page-a', 'page-b', 'page-c'];
    for (const name of names) await client.createEcKey(name);
    const pages: string[][] = [];
    for await (const page of client.listPropertiesOfKeys().byPage({ maxPageSize: 2 })) {
      pages.push(page.map((p) => p.name));
      for (const properties of page) {
        expect(properties.id).toBe(`${region.vaultUrl('keypages')}/keys/${properties.name}`);
        expect(properties.vaultUrl).toBe(region.vaultUrl('keypages'));
      }
    }
    expect(pages).toEqual([['page-a', 'page-b'], ['page-c']]);
  });

  // The SDK reads `exportable` from bundles only (not from list items): the lists are checked on the wire.
  it('reports exportable false for a key created without it, in its bundle and its deleted bundle', async () => {
    expect((await admin.createRsaKey('plain-export')).properties.exportable).toBe(false);
    expect((await admin.getKey('plain-export')).properties.exportable).toBe(false);
    const deleted = await (await admin.beginDeleteKey('plain-export', FAST_POLL)).pollUntilDone();
    expect(deleted.properties.exportable).toBe(false);
    expect((await admin.getDeletedKey('plain-export')).properties.exportable).toBe(false);
  });

  it('updates key_ops, enabled, expiry and tags of a version; the key material stays', async () => {
    const created = await admin.createRsaKey('updatable');
    const expiresOn = new Date(Date.now() + 3_600_000);
    const updated = await admin.updateKeyProperties('updatable', created.properties.version ?? '', {
      keyOps: ['verify'],
      enabled: false,
      expiresOn,
      tags: { state: 'retired' },
    });
    expect(updated.keyOperations).toEqual(['verify']);
    expect(updated.properties).toMatchObject({ enabled: false, tags: { state: 'retired' } });
    expect(updated.properties.expiresOn?.getTime()).toBe(Math.floor(expiresOn.getTime() / 1000) * 1000);
    expect(b64(updated.key?.n)).toBe(b64(created.key?.n));
    // A disabled key can still be read (its public part and properties).
    expect((await admin.getKey('updatable')).properties.enabled).toBe(false);
    // Without a version, the latest is updated.
    const latest = await admin.updateKeyProperties('updatable', { enabled: true });
    expect(latest.properties.enabled).toBe(true);
  });
});

describe('KeyClient: soft delete, recover, purge, backup and restore', () => {
  it('deletes with the poller, shows and lists the deleted key, refuses its name, and recovers it', async () => {
    await admin.createEcKey('doomed-key', { tags: { keep: 'me' } });
    const deleted = await (await admin.beginDeleteKey('doomed-key', FAST_POLL)).pollUntilDone();
    expect(deleted.name).toBe('doomed-key');
    expect(deleted.properties.recoveryId).toBe(`${region.url}/deletedkeys/doomed-key`);
    expect(deleted.properties.scheduledPurgeDate?.getTime()).toBe(
      (deleted.properties.deletedOn?.getTime() ?? 0) + 90 * 86_400_000,
    );
    expect((await admin.getDeletedKey('doomed-key')).properties.tags).toEqual({ keep: 'me' });
    const listed: string[] = [];
    for await (const item of admin.listDeletedKeys()) listed.push(item.name);
    expect(listed).toContain('doomed-key');
    await expectRestError(admin.getKey('doomed-key'), 404, 'KeyNotFound');
    const conflict = await expectRestError(admin.createEcKey('doomed-key'), 409, 'Conflict');
    expect(innerCode(conflict)).toBe('ObjectIsDeletedButRecoverable');
    expect(conflict.message).toContain('Key doomed-key is currently in a deleted but recoverable state');

    const recovered = await (await admin.beginRecoverDeletedKey('doomed-key', FAST_POLL)).pollUntilDone();
    expect(recovered.name).toBe('doomed-key');
    expect((await admin.getKey('doomed-key')).properties.tags).toEqual({ keep: 'me' });
    const gone = await expectRestError(admin.getDeletedKey('doomed-key'), 404, 'KeyNotFound');
    expect(gone.message).toBe('Deleted Key not found: doomed-key');
  });

  it("refuses malformed backup bytes with 400 and the real service's message", async () => {
    const error = await expectRestError(admin.restoreKeyBackup(new Uint8Array(8693)), 400, 'BadParameter');
    expect(error.message).toBe('Backup blob contains invalid or corrupt version.');
  });

  it('backs up every version and the rotation policy, purges, and restores them', async () => {
    const v1 = await admin.createRsaKey('phoenix-key');
    const v2 = await admin.createRsaKey('phoenix-key', { keyOps: ['sign', 'verify'] });
    await admin.updateKeyRotationPolicy('phoenix-key', { expiresIn: 'P90D' });
    const backup = (await admin.backupKey('phoenix-key')) as Uint8Array;
    expect(backup.length).toBeGreaterThan(0);
    await expectRestError(admin.restoreKeyBackup(backup), 409, 'Conflict');
    await (await admin.beginDeleteKey('phoenix-key', FAST_POLL)).pollUntilDone();
    await expectRestError(admin.restoreKeyBackup(backup), 409, 'Conflict');
    await admin.purgeDeletedKey('phoenix-key');
    await expectRestError(admin.getDeletedKey('phoenix-key'), 404, 'KeyNotFound');

    const restored = await admin.restoreKeyBackup(backup);
    expect(restored).toMatchObject({ name: 'phoenix-key', id: v2.id, keyOperations: ['sign', 'verify'] });
    expect(b64((await admin.getKey('phoenix-key', { version: v1.properties.version })).key?.n)).toBe(
      b64(v1.key?.n),
    );
    expect((await admin.getKeyRotationPolicy('phoenix-key')).expiresIn).toBe('P90D');
  });
});

describe('KeyClient: rotation and rotation policy', () => {
  it('answers the default policy until one is set, then the policy as set, with dates', async () => {
    await admin.createRsaKey('rotating', { keySize: 3072, keyOps: ['sign', 'verify'], tags: { team: 'a' } });
    const initial = await admin.getKeyRotationPolicy('rotating');
    expect(initial.id).toBe(`${region.url}/keys/rotating/rotationpolicy`);
    expect(initial.lifetimeActions).toEqual([{ action: 'Notify', timeBeforeExpiry: 'P30D' }]);
    expect(initial.createdOn).toBeUndefined();

    const policy = await admin.updateKeyRotationPolicy('rotating', {
      expiresIn: 'P90D',
      lifetimeActions: [
        { action: 'Rotate', timeAfterCreate: 'P30D' },
        { action: 'Notify', timeBeforeExpiry: 'P7D' },
      ],
    });
    expect(policy).toMatchObject({
      expiresIn: 'P90D',
      lifetimeActions: [
        { action: 'Rotate', timeAfterCreate: 'P30D' },
        { action: 'Notify', timeBeforeExpiry: 'P7D' },
      ],
    });
    expect(policy.createdOn).toBeInstanceOf(Date);
    expect(await admin.getKeyRotationPolicy('rotating')).toEqual(policy);
    await expectRestError(
      admin.updateKeyRotationPolicy('rotating', { expiresIn: 'P1D' }),
      400,
      'BadParameter',
    );
    await expectRestError(admin.getKeyRotationPolicy('no-such-key'), 404, 'KeyNotFound');
  });

  it('keeps the default Notify action when a policy is set without one, after the actions given', async () => {
    await admin.createEcKey('rotate-only');
    const set = await admin.updateKeyRotationPolicy('rotate-only', {
      lifetimeActions: [{ action: 'Rotate', timeAfterCreate: 'P2M' }],
    });
    const expected = [
      { action: 'Rotate', timeAfterCreate: 'P2M' },
      { action: 'Notify', timeBeforeExpiry: 'P30D' },
    ];
    expect(set.lifetimeActions).toEqual(expected);
    expect((await admin.getKeyRotationPolicy('rotate-only')).lifetimeActions).toEqual(expected);
    // A Notify given replaces the default rather than joining it.
    const own = await admin.updateKeyRotationPolicy('rotate-only', {
      expiresIn: 'P90D',
      lifetimeActions: [{ action: 'Notify', timeBeforeExpiry: 'P10D' }],
    });
    expect(own.lifetimeActions).toEqual([{ action: 'Notify', timeBeforeExpiry: 'P10D' }]);
  });

  it('rotates into a new version of the same type, size, operations and tags, expiring by the policy', async () => {
    const before = await admin.getKey('rotating');
    const rotated = await admin.rotateKey('rotating');
    expect(rotated.properties.version).not.toBe(before.properties.version);
    expect(rotated.keyType).toBe('RSA');
    expect(rotated.key?.n?.length).toBe(384);
    expect(b64(rotated.key?.n)).not.toBe(b64(before.key?.n));
    expect(rotated.keyOperations).toEqual(['sign', 'verify']);
    expect(rotated.properties.tags).toEqual({ team: 'a' });
    const lifetime =
      (rotated.properties.expiresOn?.getTime() ?? 0) - (rotated.properties.createdOn?.getTime() ?? 0);
    expect(lifetime).toBe(90 * 86_400_000);
    expect((await admin.getKey('rotating')).properties.version).toBe(rotated.properties.version);
  });
});

describe('KeyClient: random bytes and roles', () => {
  it('returns the number of random bytes asked for, 1 to 128', async () => {
    for (const count of [1, 32, 128]) expect((await admin.getRandomBytes(count)).length).toBe(count);
    const a = await admin.getRandomBytes(32);
    const b = await admin.getRandomBytes(32);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    await expectRestError(admin.getRandomBytes(129), 400, 'BadParameter');
  });

  it('lets app (Crypto User) read keys but not create or delete them; reader reads metadata only', async () => {
    const app = keyClient(region, 'app');
    expect((await app.getKey('rsa-2048')).name).toBe('rsa-2048');
    const create = await expectRestError(app.createEcKey('app-key'), 403, 'Forbidden');
    expect(innerCode(create)).toBe('ForbiddenByRbac');
    expect(create.message).toContain("Action: 'Microsoft.KeyVault/vaults/keys/create/action'");
    await expectRestError(app.beginDeleteKey('rsa-2048', FAST_POLL), 403, 'Forbidden');
    // Reader reads the key (metadata and public part) but may not use it.
    const reader = keyClient(region, 'reader');
    expect((await reader.getKey('rsa-2048')).keyType).toBe('RSA');
    const signing = reader.getCryptographyClient('rsa-2048').sign('RS256', Buffer.alloc(32, 1));
    const refused = await expectRestError(signing, 403, 'Forbidden');
    expect(refused.message).toContain("Action: 'Microsoft.KeyVault/vaults/keys/sign/action'");
    const officer = keyClient(region, 'officer');
    expect((await officer.createEcKey('officer-key')).name).toBe('officer-key');
    expect((await officer.getKeyRotationPolicy('officer-key')).lifetimeActions).toHaveLength(1);
  });
});
