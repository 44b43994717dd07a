import { createHash } from 'node:crypto';
import type { KeyVaultManagementClient } from '@azure/arm-keyvault';
import type { CertificateClient } from '@azure/keyvault-certificates';
import { type KeyClient, KnownSignatureAlgorithms } from '@azure/keyvault-keys';
import type { SecretClient } from '@azure/keyvault-secrets';
import { eventually } from '@vaultover/testkit';
import { createVaultService, VAULT_INDEX_KEY, vaultPrefix } from '@vaultover/vault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { armClient, TENANT } from '../support/arm.ts';
import { FAST_POLL as CERT_POLL, certificateClient } from '../support/certificate-clients.ts';
import { secretClient, shiftTime } from '../support/clients.ts';
import { cryptographyClient, keyClient } from '../support/key-clients.ts';
import { DEFAULT_VAULT, startTestRegion, type TestRegion } from '../support/region.ts';
import { expectRestError } from '../support/rest-error.ts';

// A region node whose store is a Redis Cluster (three masters, a replica each), used through the real
// SDKs: its vaults spread over the masters, and every operation must stay within one vault's slot.

const FAST_POLL = { intervalInMs: 10 };
const VAULTS = Array.from({ length: 6 }, (_, i) => `spread${i}`);

let region: TestRegion;
let arm: KeyVaultManagementClient;

const vaultUrl = (vault: string) => region.vaultUrl(vault);
const secretsOf = (vault: string): SecretClient => secretClient(region, 'admin', vaultUrl(vault));

beforeAll(async () => {
  // externalDb is not read: the store is always an embedded cluster of its own.
  region = await startTestRegion({
    externalDb: 0,
    store: { cluster: true },
    extraVaults: [...VAULTS.map((name) => ({ name })), { name: 'brief', retentionDays: 7 }],
  });
  arm = armClient(region, 'admin');
}, 60_000);

afterAll(async () => {
  await region?.close();
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

describe('a region store on a Redis Cluster', () => {
  it('spreads the vaults over several masters', async () => {
    const layout = await region.redis.cluster?.layout();
    if (!layout) throw new Error('the store is not a cluster');
    const masters = new Set(VAULTS.map((vault) => layout.masterOf(`${vaultPrefix(vault)}props`)?.port));
    expect(masters.size).toBeGreaterThan(1);
  });

  it('sets, lists, soft-deletes, recovers, purges, backs up and restores secrets in every vault', async () => {
    for (const vault of VAULTS) {
      const secrets = secretsOf(vault);
      const first = await secrets.setSecret('app', `first in ${vault}`);
      await secrets.setSecret('app', `second in ${vault}`);
      await secrets.setSecret('other', vault);
      expect((await secrets.getSecret('app')).value).toBe(`second in ${vault}`);
      expect((await secrets.getSecret('app', { version: first.properties.version })).value).toBe(
        `first in ${vault}`,
      );
      expect((await collect(secrets.listPropertiesOfSecrets())).map((s) => s.name).sort()).toEqual([
        'app',
        'other',
      ]);
      expect(await collect(secrets.listPropertiesOfSecretVersions('app'))).toHaveLength(2);

      await (await secrets.beginDeleteSecret('other', FAST_POLL)).pollUntilDone();
      expect((await secrets.getDeletedSecret('other')).name).toBe('other');
      await (await secrets.beginRecoverDeletedSecret('other', FAST_POLL)).pollUntilDone();
      expect((await secrets.getSecret('other')).value).toBe(vault);

      const backup = (await secrets.backupSecret('app')) as Uint8Array;
      await (await secrets.beginDeleteSecret('app', FAST_POLL)).pollUntilDone();
      await secrets.purgeDeletedSecret('app');
      await expectRestError(secrets.getSecret('app'), 404, 'SecretNotFound');
      await secrets.restoreSecretBackup(backup);
      expect((await secrets.getSecret('app')).value).toBe(`second in ${vault}`);
    }
  });

  it('creates keys, signs and verifies with them, soft-deletes, backs up and restores them', async () => {
    const digest = createHash('sha256').update('signed on a cluster').digest();
    for (const vault of VAULTS.slice(0, 3)) {
      const keys: KeyClient = keyClient(region, 'admin', vaultUrl(vault));
      const key = await keys.createEcKey('signer', { curve: 'P-256' });
      const crypto = cryptographyClient(region, 'admin', key.id as string);
      const { result } = await crypto.sign(KnownSignatureAlgorithms.ES256, digest);
      expect((await crypto.verify(KnownSignatureAlgorithms.ES256, digest, result)).result).toBe(true);
      expect((await collect(keys.listPropertiesOfKeys())).map((k) => k.name)).toEqual(['signer']);

      const backup = (await keys.backupKey('signer')) as Uint8Array;
      await (await keys.beginDeleteKey('signer', FAST_POLL)).pollUntilDone();
      expect((await keys.getDeletedKey('signer')).name).toBe('signer');
      await keys.purgeDeletedKey('signer');
      const restored = await keys.restoreKeyBackup(backup);
      expect(restored.id).toBe(key.id);
    }
  });

  it('creates a self-signed certificate, lists it, and soft-deletes and recovers it', async () => {
    const vault = VAULTS[1] as string;
    const certificates: CertificateClient = certificateClient(region, 'admin', vaultUrl(vault));
    const poller = await certificates.beginCreateCertificate(
      'site',
      { issuerName: 'Self', subject: 'cn=cluster.example' },
      CERT_POLL,
    );
    const created = await poller.pollUntilDone();
    expect(created.cer?.length).toBeGreaterThan(0);
    expect((await collect(certificates.listPropertiesOfCertificates())).map((c) => c.name)).toEqual(['site']);
    // The certificate's key and secret are in the same vault, so in the same slot.
    expect((await secretsOf(vault).getSecret('site')).value).toBeTruthy();
    await (await certificates.beginDeleteCertificate('site', CERT_POLL)).pollUntilDone();
    await (await certificates.beginRecoverDeletedCertificate('site', CERT_POLL)).pollUntilDone();
    expect((await certificates.getCertificate('site')).properties.version).toBe(created.properties.version);
  });

  it('lists, soft-deletes and recovers vaults through ARM, and rebuilds the vault index from every master', async () => {
    await arm.vaults.createOrUpdate(
      'apps',
      'runtime',
      {
        location: region.region,
        properties: { tenantId: TENANT, sku: { family: 'A', name: 'standard' } },
      },
      { updateIntervalInMs: 10 },
    );
    const listed = async () => (await collect(arm.vaults.listBySubscription())).map((v) => v.name).sort();
    expect(await listed()).toEqual([DEFAULT_VAULT, 'brief', 'runtime', ...VAULTS].sort());
    await arm.vaults.delete('apps', 'runtime');
    expect(await listed()).not.toContain('runtime');
    await arm.vaults.createOrUpdate(
      'apps',
      'runtime',
      {
        location: region.region,
        properties: { tenantId: TENANT, sku: { family: 'A', name: 'standard' }, createMode: 'recover' },
      },
      { updateIntervalInMs: 10 },
    );
    expect(await listed()).toContain('runtime');

    // The index sits on one master, the vaults' properties on all three: a lost index is rebuilt at
    // start by scanning every master (here, the reconcile a node runs at start).
    const admin = region.redis.storeClient();
    await admin.del(VAULT_INDEX_KEY);
    expect(await listed()).toEqual([]);
    const service = createVaultService({
      redis: region.redis.storeClient(),
      clock: region.node.clock,
      masterKey: new Uint8Array(32),
    });
    try {
      await service.management.reconcile();
    } finally {
      await service.close();
    }
    expect(await listed()).toEqual([DEFAULT_VAULT, 'brief', 'runtime', ...VAULTS].sort());
  });

  it("refuses a write its master's replica did not confirm, and takes it again once the replica is back", async () => {
    const cluster = region.redis.cluster;
    if (!cluster) throw new Error('the store is not a cluster');
    const propsOf = (vault: string) => `${vaultPrefix(vault)}props`;
    const layout = await cluster.layout();
    const vault = VAULTS[2] as string;
    const replica = layout.replicaOf(propsOf(vault));
    const elsewhere = VAULTS.find(
      (other) => layout.masterOf(propsOf(other))?.port !== layout.masterOf(propsOf(vault))?.port,
    );
    if (!replica || !elsewhere)
      throw new Error(`expected a live replica of ${vault}'s master, and a vault on another`);
    const secrets = secretsOf(vault);

    await cluster.killNode(replica.port);
    const refused = await expectRestError(
      secrets.setSecret('unconfirmed', 'on the master only'),
      503,
      'ServiceUnavailable',
    );
    expect(refused.message).toContain('replica did not confirm');
    // A vault of another master, whose replica is up, writes as ever.
    await secretsOf(elsewhere).setSecret('unaffected', 'confirmed');

    await cluster.restartNode(replica.port);
    await secrets.setSecret('confirmed', 'on both');
    expect((await secrets.getSecret('confirmed')).value).toBe('on both');
  });

  // Last: it moves the region's clock.
  it("purges a soft-deleted secret when its retention runs out: the purge queue's jobs live in the cluster", async () => {
    const brief = secretsOf('brief');
    await brief.setSecret('fleeting', 'soon gone');
    await (await brief.beginDeleteSecret('fleeting', FAST_POLL)).pollUntilDone();
    const shifted = await shiftTime(region, { days: 8 });
    expect(shifted.rescheduledPurges).toBeGreaterThanOrEqual(1);
    await eventually(() => expectRestError(brief.getDeletedSecret('fleeting'), 404, 'SecretNotFound'));
  });
});
