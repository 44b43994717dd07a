import { DEFAULT_PRINCIPALS } from '@vaultover/auth';
import { eventually } from '@vaultover/testkit';
import { logKeys, VAULT_INDEX_KEY, vaultPrefix } from '@vaultover/vault';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARM_API, arm, providerPath, SUBSCRIPTION, vaultBody, vaultPath } from '../support/arm.ts';
import { API, type RawResponse, rawRequest, shiftTime } from '../support/clients.ts';
import { startTestRegion, type TestRegion } from '../support/region.ts';

// The management plane over raw HTTPS: ARM's codes for bad requests (never a 500, never a partial write),
// who may do what, one change-stream entry per vault mutation, purge protection and the scheduled purge.

const GROUP = 'rest';

let region: TestRegion;
let db: Redis;

beforeAll(async () => {
  region = await startTestRegion({
    externalDb: 0,
    principals: {
      ...DEFAULT_PRINCIPALS,
      // The administrator role without any special permission: may create and delete, not purge or recover.
      operator: { roles: ['Key Vault Administrator'], permissions: [] },
    },
  });
  db = region.redis.client();
});

afterAll(async () => {
  await region?.close();
});

const put = (name: string, body: unknown, principal = 'admin') =>
  arm(region, { method: 'PUT', path: vaultPath(GROUP, name), body, principal });
const del = (name: string, principal = 'admin') =>
  arm(region, { method: 'DELETE', path: vaultPath(GROUP, name), principal });
const getDeleted = (name: string, principal = 'admin') =>
  arm(region, { path: providerPath(`locations/testregion/deletedVaults/${name}`), principal });
const purge = (name: string, principal = 'admin') =>
  arm(region, {
    method: 'POST',
    path: providerPath(`locations/testregion/deletedVaults/${name}/purge`),
    principal,
  });
const recover = (name: string, principal = 'admin') =>
  put(name, vaultBody({ createMode: 'recover' }), principal);

/** The operations in a vault's change stream, oldest first. */
async function streamOps(name: string): Promise<string[]> {
  const entries = await db.xrange(logKeys(name).stream, '-', '+');
  return entries.map(([, fields]) => fields[fields.indexOf('op') + 1] as string);
}

function expectArmError(response: RawResponse, status: number, code: string): void {
  expect({ status: response.status, body: response.json }).toMatchObject({
    status,
    body: { error: { code, message: expect.any(String) } },
  });
}

describe('authentication and api-version, the ARM way', () => {
  it('answers 401 AuthenticationFailed without a token and InvalidAuthenticationToken for a bad one', async () => {
    const missing = await rawRequest(region, { path: vaultPath('vaultover', 'vaultover') });
    expectArmError(missing, 401, 'AuthenticationFailed');
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer authorization_uri=/);
    const bad = await rawRequest(region, {
      path: vaultPath('vaultover', 'vaultover'),
      headers: { authorization: 'Bearer not-a-token' },
    });
    expectArmError(bad, 401, 'InvalidAuthenticationToken');
  });

  it.each(['2023-07-01', '2024-11-01', '2025-05-01', '2026-02-01'])(
    'takes api-version %s',
    async (version) => {
      const response = await arm(region, {
        path: vaultPath('vaultover', 'vaultover', `api-version=${version}`),
      });
      expect(response.status).toBe(200);
      expect(response.json).toMatchObject({
        name: 'vaultover',
        properties: { softDeleteRetentionInDays: 90 },
      });
    },
  );

  it('refuses a missing or unknown api-version, a data-plane one too, and a malformed subscription', async () => {
    expectArmError(
      await arm(region, { path: vaultPath('vaultover', 'vaultover', '') }),
      400,
      'MissingApiVersionParameter',
    );
    for (const version of ['2099-01-01', '7.6']) {
      const response = await arm(region, {
        path: vaultPath('vaultover', 'vaultover', `api-version=${version}`),
      });
      expectArmError(response, 400, 'NoRegisteredProviderFound');
    }
    const path = `/subscriptions/not-a-guid/providers/Microsoft.KeyVault/vaults?${ARM_API}`;
    expectArmError(await arm(region, { path }), 400, 'InvalidSubscriptionId');
  });

  it('answers unknown provider paths with ARM errors, not the data plane', async () => {
    expectArmError(await arm(region, { path: providerPath('managedHSMs') }), 404, 'InvalidResourceType');
    expectArmError(
      await arm(region, { method: 'POST', path: vaultPath(GROUP, 'whatever') }),
      405,
      'MethodNotAllowed',
    );
  });
});

describe('bad input: the real codes, nothing written', () => {
  const cases: [string, string, unknown, number, string][] = [
    ['name too short', 'ab', vaultBody(), 400, 'VaultNameNotValid'],
    ['name too long', 'a'.repeat(25), vaultBody(), 400, 'VaultNameNotValid'],
    ['name starting with a digit', '1vault', vaultBody(), 400, 'VaultNameNotValid'],
    ['name ending with a hyphen', 'vault-', vaultBody(), 400, 'VaultNameNotValid'],
    ['name with consecutive hyphens', 'va--ult', vaultBody(), 400, 'VaultNameNotValid'],
    ['name with an underscore', 'va_ult', vaultBody(), 400, 'VaultNameNotValid'],
    ['retention 6', 'bad-input', vaultBody({ softDeleteRetentionInDays: 6 }), 400, 'BadRequest'],
    ['retention 91', 'bad-input', vaultBody({ softDeleteRetentionInDays: 91 }), 400, 'BadRequest'],
    ['retention 30.5', 'bad-input', vaultBody({ softDeleteRetentionInDays: 30.5 }), 400, 'BadRequest'],
    [
      'retention as text',
      'bad-input',
      vaultBody({ softDeleteRetentionInDays: '7' }),
      400,
      'InvalidRequestContent',
    ],
    ['unknown sku', 'bad-input', vaultBody({ sku: { family: 'A', name: 'gold' } }), 400, 'BadRequest'],
    [
      'unknown sku family',
      'bad-input',
      vaultBody({ sku: { family: 'B', name: 'standard' } }),
      400,
      'BadRequest',
    ],
    ['no sku', 'bad-input', vaultBody({ sku: null }), 400, 'BadRequest'],
    ['no tenant', 'bad-input', vaultBody({ tenantId: null }), 400, 'BadRequest'],
    [
      'another tenant',
      'bad-input',
      vaultBody({ tenantId: '99999999-9999-9999-9999-999999999999' }),
      400,
      'BadRequest',
    ],
    ['soft delete off', 'bad-input', vaultBody({ enableSoftDelete: false }), 400, 'BadRequest'],
    ['purge protection off', 'bad-input', vaultBody({ enablePurgeProtection: false }), 400, 'BadRequest'],
    ['unknown create mode', 'bad-input', vaultBody({ createMode: 'restore' }), 400, 'BadRequest'],
    ['missing location', 'bad-input', { properties: vaultBody().properties }, 400, 'LocationRequired'],
    [
      'another location',
      'bad-input',
      { ...vaultBody(), location: 'mars' },
      400,
      'LocationNotAvailableForResourceType',
    ],
    ['malformed JSON', 'bad-input', '{"location": "testregion",', 400, 'InvalidRequestContent'],
    ['a JSON array', 'bad-input', '[]', 400, 'InvalidRequestContent'],
    ['an empty body', 'bad-input', '', 400, 'InvalidRequestContent'],
    [
      'tags that are not strings',
      'bad-input',
      vaultBody({}, { tags: { a: 1 } }),
      400,
      'InvalidRequestContent',
    ],
    [
      'properties that are not an object',
      'bad-input',
      { location: 'testregion', properties: 5 },
      400,
      'InvalidRequestContent',
    ],
  ];

  it.each(cases.map(([label, name, body, status, code]) => ({ label, name, body, status, code })))(
    '$label → $status $code',
    async ({ name, body, status, code }) => {
      const response = await put(name, body);
      expectArmError(response, status, code);
      expect(await db.exists(`${vaultPrefix(name.toLowerCase())}props`)).toBe(0);
      expect(await db.exists(logKeys(name.toLowerCase()).stream)).toBe(0);
      expect(await db.zscore(VAULT_INDEX_KEY, name.toLowerCase())).toBeNull();
    },
  );

  it('answers a resource group ARM would not have with ResourceGroupNotFound', async () => {
    const response = await arm(region, {
      method: 'PUT',
      path: vaultPath('bad.', 'bad-input'),
      body: vaultBody(),
    });
    expectArmError(response, 404, 'ResourceGroupNotFound');
  });

  it('refuses a bad $top and an undecodable $skiptoken', async () => {
    expectArmError(
      await arm(region, { path: providerPath('vaults', `${ARM_API}&$top=0`) }),
      400,
      'BadRequest',
    );
    const token = await arm(region, { path: providerPath('vaults', `${ARM_API}&$skiptoken=%%%`) });
    expect(token.status).toBe(400);
  });
});

describe('who may do what', () => {
  it('lets a reader get and list vaults but not create them (403 AuthorizationFailed naming the action)', async () => {
    expect(
      (await arm(region, { path: vaultPath('vaultover', 'vaultover'), principal: 'reader' })).status,
    ).toBe(200);
    expect((await arm(region, { path: providerPath('vaults'), principal: 'reader' })).status).toBe(200);
    const refused = await put('reader-made', vaultBody(), 'reader');
    expectArmError(refused, 403, 'AuthorizationFailed');
    expect((refused.json as { error: { message: string } }).error.message).toContain(
      "perform action 'Microsoft.KeyVault/vaults/write' over scope",
    );
    expectArmError(
      await arm(region, { path: providerPath('vaults'), principal: 'app' }),
      403,
      'AuthorizationFailed',
    );
  });

  it('needs the special permissions to list or get deleted vaults, recover and purge', async () => {
    expect((await put('perm-check', vaultBody(), 'operator')).status).toBe(201);
    expect((await del('perm-check', 'operator')).status).toBe(200);
    // The officer holds listDeleted but no role over vaults; the operator holds the role but no special permission.
    for (const principal of ['officer', 'operator']) {
      expectArmError(
        await arm(region, { path: providerPath('deletedVaults'), principal }),
        403,
        'AuthorizationFailed',
      );
      expectArmError(await getDeleted('perm-check', principal), 403, 'AuthorizationFailed');
    }
    const listing = await arm(region, { path: providerPath('deletedVaults'), principal: 'operator' });
    expect((listing.json as { error: { message: string } }).error.message).toContain(
      "special permission 'listDeleted'",
    );
    expectArmError(await recover('perm-check', 'operator'), 403, 'AuthorizationFailed');
    expectArmError(await purge('perm-check', 'operator'), 403, 'AuthorizationFailed');
    expect((await getDeleted('perm-check')).status).toBe(200);
    expect((await purge('perm-check')).status).toBe(200);
  });
});

describe('vault rules', () => {
  it('keeps the retention fixed: the same value or none is fine, another is refused', async () => {
    expect((await put('fixed-retention', vaultBody({ softDeleteRetentionInDays: 30 }))).status).toBe(201);
    expect((await put('fixed-retention', vaultBody({ softDeleteRetentionInDays: 30 }))).status).toBe(200);
    const unchanged = await put('fixed-retention', vaultBody());
    expect(unchanged.json).toMatchObject({ properties: { softDeleteRetentionInDays: 30 } });
    const refused = await put('fixed-retention', vaultBody({ softDeleteRetentionInDays: 31 }));
    expectArmError(refused, 400, 'BadRequest');
    const patched = await arm(region, {
      method: 'PATCH',
      path: vaultPath(GROUP, 'fixed-retention'),
      body: { properties: { softDeleteRetentionInDays: 7 } },
    });
    expectArmError(patched, 400, 'BadRequest');
  });

  it('refuses a name in use in another resource group with VaultAlreadyExists', async () => {
    const response = await arm(region, {
      method: 'PUT',
      path: vaultPath('other-group', 'fixed-retention'),
      body: vaultBody(),
    });
    expectArmError(response, 409, 'VaultAlreadyExists');
    expectArmError(
      await arm(region, { path: vaultPath('other-group', 'fixed-retention') }),
      404,
      'ResourceNotFound',
    );
    expect(
      (await arm(region, { method: 'DELETE', path: vaultPath('other-group', 'fixed-retention') })).status,
    ).toBe(204);
  });

  it('writes exactly one change entry per vault mutation, and none for a refused one', async () => {
    const name = 'stream-check';
    expect((await put(name, vaultBody({ softDeleteRetentionInDays: 7 }))).status).toBe(201);
    expect((await put(name, vaultBody({}, { tags: { a: 'b' } }))).status).toBe(200);
    const patch = await arm(region, {
      method: 'PATCH',
      path: vaultPath(GROUP, name),
      body: { tags: { c: 'd' } },
    });
    expect(patch.json).toMatchObject({ tags: { c: 'd' } });
    expect((await del(name)).status).toBe(200);
    expect((await del(name)).status).toBe(204);
    expectArmError(await put(name, vaultBody()), 409, 'ConflictError');
    expect((await recover(name)).status).toBe(200);
    expect((await del(name)).status).toBe(200);
    expect((await purge(name)).status).toBe(200);
    expectArmError(await purge(name), 404, 'DeletedVaultNotFound');
    expect(await streamOps(name)).toEqual([
      'VaultPut',
      'VaultPut',
      'VaultPatch',
      'VaultDelete',
      'VaultRecover',
      'VaultDelete',
      'VaultPurge',
    ]);
    const left = await db.keys(`${vaultPrefix(name)}*`);
    expect(left.sort()).toEqual([logKeys(name).position, logKeys(name).stream].sort());
    expect(await db.zscore(VAULT_INDEX_KEY, name)).toBeNull();
  });

  it("makes a deleted vault's data plane answer VaultNotFound, and serves it again once recovered", async () => {
    const name = 'plane-check';
    expect((await put(name, vaultBody())).status).toBe(201);
    const hostname = `${name}.localhost`;
    const set = await rawRequest(region, {
      method: 'PUT',
      hostname,
      path: `/secrets/kept?${API}`,
      principal: 'admin',
      body: { value: 'still here' },
    });
    expect(set.status).toBe(200);
    expect((await del(name)).status).toBe(200);
    const missing = await rawRequest(region, { hostname, path: `/secrets/kept/?${API}`, principal: 'admin' });
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ error: { code: 'VaultNotFound' } });
    expect((await recover(name)).status).toBe(200);
    const back = await rawRequest(region, { hostname, path: `/secrets/kept/?${API}`, principal: 'admin' });
    expect(back.json).toMatchObject({ value: 'still here' });
  });
});

describe('purge protection and the scheduled purge', () => {
  it('refuses to purge a protected vault before its date, still recovers it; the service purges it on the date', async () => {
    const name = 'guarded';
    const created = await put(name, vaultBody({ softDeleteRetentionInDays: 7, enablePurgeProtection: true }));
    expect(created.status).toBe(201);
    expect((await del(name)).status).toBe(200);
    const refused = await purge(name);
    expectArmError(refused, 405, 'MethodNotAllowed');
    expect((refused.json as { error: { message: string } }).error.message).toBe(
      "Operation 'DeletedVaultPurge' is not allowed.",
    );
    expect((await getDeleted(name)).status).toBe(200);
    expect((await recover(name)).status).toBe(200);
    expect((await del(name)).status).toBe(200);
    const deleted = (await getDeleted(name)).json as { properties: { scheduledPurgeDate: string } };
    const shifted = await shiftTime(region, { days: 8 });
    expect(shifted.rescheduledPurges).toBeGreaterThanOrEqual(1);
    expect(Date.parse(shifted.now)).toBeGreaterThan(Date.parse(deleted.properties.scheduledPurgeDate));
    await eventually(async () => expectArmError(await getDeleted(name), 404, 'DeletedVaultNotFound'));
    expect((await streamOps(name)).at(-1)).toBe('VaultPurge');
    expect((await put(name, vaultBody())).status).toBe(201);
  });

  it('lists vaults of the subscription with ids naming it', async () => {
    const response = await arm(region, { path: providerPath('vaults') });
    const names = (response.json as { value: { id: string; name: string }[] }).value.map((v) => v.name);
    expect(names).toEqual(expect.arrayContaining(['vaultover', 'guarded', 'fixed-retention']));
    expect((response.json as { value: { id: string }[] }).value[0]?.id).toMatch(
      `/subscriptions/${SUBSCRIPTION}/`,
    );
  });

  it("filters ARM's generic resources list by type", async () => {
    const resources = (filter: string) =>
      arm(region, {
        path: `/subscriptions/${SUBSCRIPTION}/resources?api-version=2021-04-01&$filter=${encodeURIComponent(filter)}`,
      });
    const vaults = await resources("resourceType eq 'Microsoft.KeyVault/vaults'");
    expect((vaults.json as { value: { name: string }[] }).value.map((v) => v.name)).toContain('guarded');
    expect((await resources("resourceType eq 'Microsoft.Storage/storageAccounts'")).json).toEqual({
      value: [],
    });
    expectArmError(await resources("name eq 'guarded'"), 400, 'BadRequest');
  });
});
