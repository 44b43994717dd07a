import { randomBytes } from 'node:crypto';
import { eventually, startTestRedis, type TestRedis } from '@vaultover/testkit';
import { createVaultService, SimulatedClock, type VaultService } from '@vaultover/vault';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opensslCa } from '../support/certificate-files.ts';
import { type ChangeEntry, ChangeLogProbe } from '../support/change-log.ts';

// The change log of a vault's certificates, at the store level: a certificate and its managed key
// and secret change in ONE mutation, so every certificate change is exactly one entry touching the
// three objects, refused changes write nothing, and the entries alone rebuild the vault byte for byte.

let redis: TestRedis;
let db: Redis;
let clock: SimulatedClock;
let service: VaultService;
let log: ChangeLogProbe;

beforeAll(async () => {
  // External Redis: shares key-change-log's database and change-log's replay database, under vault
  // names of its own (ccl-*), with its own purge queue prefix.
  redis = await startTestRedis('certificate-change-log', { externalDb: 15 });
  db = redis.client();
  const replica = redis.client(redis.kind === 'external' ? 5 : 1);
  clock = new SimulatedClock();
  const prefix = `{vo-purge-certs-${randomBytes(4).toString('hex')}}`;
  service = createVaultService({
    redis: db,
    clock,
    masterKey: randomBytes(32),
    cryptoWorkers: 0,
    queue: { connection: { url: redis.url }, toRealMs: (ms) => clock.toRealMs(ms), prefix },
  });
  log = new ChangeLogProbe(db, replica, clock);
});

afterAll(async () => {
  await service?.close();
  await redis?.stop();
});

async function freshVault(label: string): Promise<string> {
  const vault = `ccl-${label}-${randomBytes(3).toString('hex')}`;
  await service.vaults.ensure({ name: vault });
  return vault;
}

const OBJECTS = (name: string) => [`o:certificate:${name}`, `o:key:${name}`, `o:secret:${name}`];
const POLICY = { policy: { issuer: { name: 'Self' }, x509_props: { subject: 'CN=logged' } } };

function expectTouchesAll(entry: ChangeEntry, name: string): void {
  expect(entry.keys).toEqual(expect.arrayContaining(OBJECTS(name)));
}

describe('certificate change log', () => {
  it('writes a create as exactly one entry touching certificate, key and secret, with no clear private key', async () => {
    const vault = await freshVault('create');
    const { entry } = await log.expectOneEntry(vault, 'CertificateCreate', () =>
      service.certificates.create(vault, 'logged', {
        ...POLICY,
        policy: { ...POLICY.policy, secret_props: { contentType: 'application/x-pem-file' } },
      }),
    );
    expectTouchesAll(entry, 'logged');
    const pem = (await service.secrets.get(vault, 'logged')).value;
    const keyBody =
      /-----BEGIN PRIVATE KEY-----\n([\s\S]+?)\n-----END/.exec(pem)?.[1]?.replaceAll('\n', '') ?? '';
    expect(keyBody.length).toBeGreaterThan(100);
    const written = JSON.stringify(entry.ops);
    expect(written).not.toContain(keyBody.slice(0, 64));
    expect(written).not.toContain('PRIVATE KEY');
  });

  it('writes update, policy, pending delete, delete, recover and purge as one entry each', async () => {
    const vault = await freshVault('life');
    await service.certificates.create(vault, 'life', POLICY);
    const life = service.certificateLifecycle;
    const update = await log.expectOneEntry(vault, 'CertificateUpdate', () =>
      life.update(vault, 'life', undefined, { attributes: { enabled: false }, tags: { a: 'b' } }),
    );
    expectTouchesAll(update.entry, 'life');
    const policy = await log.expectOneEntry(vault, 'CertificatePolicyUpdate', () =>
      service.certificates.updatePolicy(vault, 'life', { x509_props: { validity_months: 24 } }),
    );
    expect(policy.entry.keys).toContain('o:certificate:life');
    await log.expectOneEntry(vault, 'CertificatePendingDelete', () =>
      service.certificates.deletePending(vault, 'life'),
    );
    const steps: [string, () => Promise<unknown>][] = [
      ['CertificateDelete', () => life.delete(vault, 'life')],
      ['CertificateRecover', () => life.recover(vault, 'life')],
      ['CertificateDelete', () => life.delete(vault, 'life')],
      ['CertificatePurge', () => life.purge(vault, 'life')],
    ];
    for (const [op, action] of steps) {
      const { entry } = await log.expectOneEntry(vault, op, action);
      expectTouchesAll(entry, 'life');
    }
  });

  it('writes import and restore as one entry each', async () => {
    const vault = await freshVault('move');
    await service.certificates.create(vault, 'source', POLICY);
    const pfx = (await service.secrets.get(vault, 'source')).value;
    const imported = await log.expectOneEntry(vault, 'CertificateImport', () =>
      service.certificates.import(vault, 'copy', { value: pfx }),
    );
    expectTouchesAll(imported.entry, 'copy');
    const backup = await service.certificateLifecycle.backup(vault, 'copy');
    await service.certificateLifecycle.delete(vault, 'copy');
    await service.certificateLifecycle.purge(vault, 'copy');
    const restored = await log.expectOneEntry(vault, 'CertificateRestore', () =>
      service.certificateLifecycle.restore(vault, { value: backup.toString('base64url') }),
    );
    expectTouchesAll(restored.entry, 'copy');
  });

  it('writes a create with issuer Unknown, its cancellation and its merge as one entry each, and replays them', async () => {
    const vault = await freshVault('merge');
    const unknown = { policy: { issuer: { name: 'Unknown' }, x509_props: { subject: 'CN=merged' } } };
    const created = await log.expectOneEntry(vault, 'CertificateCreate', () =>
      service.certificates.create(vault, 'merged', unknown),
    );
    expectTouchesAll(created.entry, 'merged');
    const cancelled = await log.expectOneEntry(vault, 'CertificatePendingUpdate', () =>
      service.certificates.updatePending(vault, 'merged', { cancellation_requested: true }),
    );
    expect(cancelled.entry.keys).toContain('o:certificate:merged');
    expect(cancelled.entry.keys).not.toContain('o:key:merged');
    const ca = opensslCa('/CN=change-log CA');
    try {
      const leaf = ca.sign(Buffer.from(created.result.operation.csr, 'base64'));
      const x5c = [leaf.toString('base64'), Buffer.from(ca.certificate.raw).toString('base64')];
      const merged = await log.expectOneEntry(vault, 'CertificateMerge', () =>
        service.certificates.merge(vault, 'merged', { x5c }),
      );
      expectTouchesAll(merged.entry, 'merged');
      // A refused merge (the operation is completed now) writes nothing.
      await log.expectRefused(vault, 400, () => service.certificates.merge(vault, 'merged', { x5c }));
    } finally {
      ca.close();
    }
    await log.expectReplayReproduces(vault);
  });

  it('writes nothing for a refused create: bad policy, or a name taken by a plain secret', async () => {
    const vault = await freshVault('refused');
    await service.secrets.set(vault, 'taken', { value: 'plain' });
    await log.expectNothingWritten(vault, () =>
      service.certificates.create(vault, 'bad', { policy: { key_props: { kty: 'EC', crv: 'P-999' } } }),
    );
    await log.expectNothingWritten(vault, () => service.certificates.create(vault, 'taken', POLICY));
    await expect(service.certificates.create(vault, 'taken', POLICY)).rejects.toMatchObject({ status: 409 });
  });
});

describe('scheduled purge of deleted certificates', () => {
  it('schedules one purge per deleted certificate, not one for its key and secret (reconcilePurges)', async () => {
    const vault = await freshVault('reconcile');
    await service.certificates.create(vault, 'gone', POLICY);
    await service.certificateLifecycle.delete(vault, 'gone');
    expect(await service.reconcilePurges(vault)).toBe(1);
  });

  it('purges a deleted certificate with its key and secret when its retention ends, as one entry', async () => {
    const vault = `ccl-sched-${randomBytes(3).toString('hex')}`;
    await service.vaults.ensure({ name: vault, retentionDays: 7 });
    await service.certificates.create(vault, 'temporary', POLICY);
    await service.certificateLifecycle.delete(vault, 'temporary');
    const before = await log.entries(vault);
    clock.shift(8 * 86_400_000);
    expect(await service.scheduler?.reschedule()).toBeGreaterThanOrEqual(1);
    await eventually(async () => expect(await log.entries(vault)).toHaveLength(before.length + 1));
    const purge = (await log.entries(vault)).at(-1) as ChangeEntry;
    expect(purge.op).toBe('CertificatePurge');
    expectTouchesAll(purge, 'temporary');
    await expect(service.keys.getDeleted(vault, 'temporary')).rejects.toMatchObject({ status: 404 });
    await expect(service.secrets.getDeleted(vault, 'temporary')).rejects.toMatchObject({ status: 404 });
    await log.expectReplayReproduces(vault);
  });
});
