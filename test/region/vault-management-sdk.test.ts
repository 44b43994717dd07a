import type { KeyVaultManagementClient, Vault } from '@azure/arm-keyvault';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { armClient, SUBSCRIPTION, TENANT } from '../support/arm.ts';
import { secretClient } from '../support/clients.ts';
import { startTestRegion, type TestRegion } from '../support/region.ts';
import { expectRestError } from '../support/rest-error.ts';

// The management plane end to end with the real KeyVaultManagementClient of @azure/arm-keyvault, and the
// data plane of a vault created at run time reached with the real SecretClient at
// https://<vault>.localhost:<port>, TLS verification on (the certificate comes from the SNI callback).

const DAY_MS = 86_400_000;
/** The SDK's pollers wait between polls; none is needed here, every operation is done when answered. */
const FAST = { updateIntervalInMs: 10 };
const GROUP = 'apps';

let region: TestRegion;
let admin: KeyVaultManagementClient;

beforeAll(async () => {
  region = await startTestRegion({ externalDb: 9 });
  admin = armClient(region, 'admin');
});

afterAll(async () => {
  await region?.close();
});

function createVault(
  name: string,
  properties: Partial<Vault['properties']> = {},
  tags?: Record<string, string>,
) {
  return admin.vaults.createOrUpdate(
    GROUP,
    name,
    {
      location: 'testregion',
      tags,
      properties: { tenantId: TENANT, sku: { family: 'A', name: 'standard' }, ...properties },
    },
    FAST,
  );
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

describe('KeyVaultManagementClient: vault lifecycle', () => {
  it('creates a vault in the real resource shape, reachable at once over TLS', async () => {
    const vault = await createVault('sdk-life', { softDeleteRetentionInDays: 7 }, { team: 'payments' });
    expect(vault).toMatchObject({
      id: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${GROUP}/providers/Microsoft.KeyVault/vaults/sdk-life`,
      name: 'sdk-life',
      type: 'Microsoft.KeyVault/vaults',
      location: 'testregion',
      tags: { team: 'payments' },
      properties: {
        tenantId: TENANT,
        sku: { family: 'A', name: 'standard' },
        vaultUri: `https://sdk-life.localhost:${region.port}/`,
        enableSoftDelete: true,
        softDeleteRetentionInDays: 7,
        enablePurgeProtection: false,
        enableRbacAuthorization: true,
        provisioningState: 'Succeeded',
      },
    });
    expect(vault.systemData?.createdBy).toBe('admin');

    const secrets = secretClient(region, 'admin', vault.properties.vaultUri);
    await secrets.setSecret('greeting', 'hello from a vault created at run time');
    expect((await secrets.getSecret('greeting')).value).toBe('hello from a vault created at run time');
  });

  it('gets and lists the vault in every way the client lists', async () => {
    expect((await admin.vaults.get(GROUP, 'sdk-life')).properties.softDeleteRetentionInDays).toBe(7);
    const byGroup = await collect(admin.vaults.listByResourceGroup(GROUP));
    expect(byGroup.map((v) => v.name)).toContain('sdk-life');
    expect(byGroup.map((v) => v.name)).not.toContain('vaultover');
    const bySubscription = (await collect(admin.vaults.listBySubscription())).map((v) => v.name);
    expect(bySubscription).toEqual(expect.arrayContaining(['sdk-life', 'vaultover']));
    const resources = await collect(admin.vaults.list());
    expect(resources.map((r) => r.name)).toEqual(expect.arrayContaining(['sdk-life', 'vaultover']));
    expect(resources.find((r) => r.name === 'sdk-life')).toMatchObject({
      type: 'Microsoft.KeyVault/vaults',
      location: 'testregion',
      tags: { team: 'payments' },
    });
  });

  it('pages lists with $top and next links', async () => {
    for (const name of ['sdk-page-a', 'sdk-page-b', 'sdk-page-c']) await createVault(name);
    const pages: string[][] = [];
    for await (const page of admin.vaults.listByResourceGroup(GROUP, { top: 2 }).byPage()) {
      pages.push(page.map((v) => v.name ?? ''));
    }
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.flat()).toEqual(
      expect.arrayContaining(['sdk-page-a', 'sdk-page-b', 'sdk-page-c', 'sdk-life']),
    );
    expect(pages.every((page) => page.length <= 2)).toBe(true);
  });

  it('updates tags and purge protection; refuses to change the retention or turn protection off', async () => {
    const updated = await admin.vaults.update(GROUP, 'sdk-page-a', {
      tags: { stage: 'prod' },
      properties: { enablePurgeProtection: true },
    });
    expect(updated.tags).toEqual({ stage: 'prod' });
    expect(updated.properties.enablePurgeProtection).toBe(true);
    const retention = await expectRestError(
      admin.vaults.update(GROUP, 'sdk-page-a', { properties: { softDeleteRetentionInDays: 30 } }),
      400,
      'BadRequest',
    );
    expect(retention.message).toContain('"softDeleteRetentionInDays" has been set already');
    await expectRestError(
      admin.vaults.update(GROUP, 'sdk-page-a', { properties: { enablePurgeProtection: false } }),
      400,
      'BadRequest',
    );
    expect((await admin.vaults.get(GROUP, 'sdk-page-a')).properties.enablePurgeProtection).toBe(true);
  });

  it('deletes softly: the vault is gone, its name reserved, its data plane missing; listed as deleted', async () => {
    const before = Date.now();
    await admin.vaults.delete(GROUP, 'sdk-life');
    await expectRestError(admin.vaults.get(GROUP, 'sdk-life'), 404, 'ResourceNotFound');
    const conflict = await expectRestError(createVault('sdk-life'), 409, 'ConflictError');
    expect(conflict.message).toContain('already exists in deleted state');
    const secrets = secretClient(region, 'admin', `https://sdk-life.localhost:${region.port}`);
    await expectRestError(secrets.getSecret('greeting'), 404, 'VaultNotFound');

    const deleted = await collect(admin.vaults.listDeleted());
    const entry = deleted.find((d) => d.name === 'sdk-life');
    expect(entry).toMatchObject({
      id: `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.KeyVault/locations/testregion/deletedVaults/sdk-life`,
      type: 'Microsoft.KeyVault/deletedVaults',
      properties: {
        vaultId: `/subscriptions/${SUBSCRIPTION}/resourceGroups/${GROUP}/providers/Microsoft.KeyVault/vaults/sdk-life`,
        location: 'testregion',
        purgeProtectionEnabled: false,
        tags: { team: 'payments' },
      },
    });
    const got = await admin.vaults.getDeleted('sdk-life', 'testregion');
    const deletedAt = got.properties?.deletionDate?.getTime() ?? 0;
    expect(deletedAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(got.properties?.scheduledPurgeDate?.getTime()).toBe(deletedAt + 7 * DAY_MS);
  });

  it('recovers with createMode "recover": the vault comes back with its secrets', async () => {
    const recovered = await createVault('sdk-life', { createMode: 'recover' });
    expect(recovered.properties.softDeleteRetentionInDays).toBe(7);
    expect(recovered.tags).toEqual({ team: 'payments' });
    await expectRestError(admin.vaults.getDeleted('sdk-life', 'testregion'), 404, 'DeletedVaultNotFound');
    const secrets = secretClient(region, 'admin', recovered.properties.vaultUri);
    expect((await secrets.getSecret('greeting')).value).toBe('hello from a vault created at run time');
  });

  it('purges a deleted vault with the purge poller; the name is free again, with nothing left in it', async () => {
    await admin.vaults.delete(GROUP, 'sdk-life');
    await admin.vaults.purgeDeleted('sdk-life', 'testregion', FAST);
    await expectRestError(admin.vaults.getDeleted('sdk-life', 'testregion'), 404, 'DeletedVaultNotFound');
    const again = await createVault('sdk-life');
    expect(again.properties.softDeleteRetentionInDays).toBe(90);
    const secrets = secretClient(region, 'admin', again.properties.vaultUri);
    await expectRestError(secrets.getSecret('greeting'), 404, 'SecretNotFound');
  });

  it('says whether a name is available', async () => {
    expect(
      await admin.vaults.checkNameAvailability({ name: 'sdk-free', type: 'Microsoft.KeyVault/vaults' }),
    ).toEqual({ nameAvailable: true });
    expect(
      await admin.vaults.checkNameAvailability({ name: 'sdk-life', type: 'Microsoft.KeyVault/vaults' }),
    ).toMatchObject({ nameAvailable: false, reason: 'AlreadyExists' });
    expect(
      await admin.vaults.checkNameAvailability({ name: '1bad', type: 'Microsoft.KeyVault/vaults' }),
    ).toMatchObject({ nameAvailable: false, reason: 'AccountNameInvalid' });
  });
});
