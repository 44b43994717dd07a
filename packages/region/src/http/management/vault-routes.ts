import { type VaultManager, vaultCreateMode } from '@vaultover/vault';
import { noContent, ok, type Reply } from '../data-route.ts';
import { invalidQueryParameter } from './arm-errors.ts';
import { armPageBody, armPageRequest } from './arm-paging.ts';
import type { ArmContext, ArmRoute } from './arm-route.ts';
import { deletedVaultResource, trackedResource, vaultResource } from './vault-wire.ts';

const SUB = '/subscriptions/:subscriptionId';
const PROVIDER = `${SUB}/providers/Microsoft.KeyVault`;
const GROUP_VAULTS = `${SUB}/resourceGroups/:resourceGroupName/providers/Microsoft.KeyVault/vaults`;
const VAULT = `${GROUP_VAULTS}/:vaultName`;
const DELETED_VAULT = `${PROVIDER}/locations/:location/deletedVaults/:vaultName`;
const KEY_VAULT_TYPE = 'microsoft.keyvault/vaults';

const request = (c: ArmContext) => ({
  resourceGroup: c.params.resourceGroupName ?? '',
  name: c.params.vaultName ?? '',
  principal: c.principal,
});

/**
 * The vaults of the Key Vault resource provider, as Azure Resource Manager serves them
 * (docs/vault-api.md#vaults-management-plane).
 */
export function vaultRoutes(vaults: VaultManager): ArmRoute[] {
  const listed = async (c: ArmContext, resourceGroup?: string): Promise<Reply> => {
    const page = await vaults.queries.list(armPageRequest(c), resourceGroup);
    return ok(
      armPageBody(
        c,
        page,
        page.items.map((v) => vaultResource(c, v)),
      ),
    );
  };
  return [
    {
      method: 'PUT',
      path: VAULT,
      operation: 'VaultPut',
      alternative: { operation: 'VaultRecover', when: (body) => vaultCreateMode(body) === 'recover' },
      hasBody: true,
      handle: async (c) => {
        const { vault, created } = await vaults.createOrUpdate(request(c), c.body);
        return { status: created ? 201 : 200, body: vaultResource(c, vault) };
      },
    },
    {
      method: 'PATCH',
      path: VAULT,
      operation: 'VaultPatch',
      hasBody: true,
      handle: async (c) => ok(vaultResource(c, await vaults.update(request(c), c.body))),
    },
    {
      method: 'GET',
      path: VAULT,
      operation: 'VaultGet',
      handle: async (c) =>
        ok(vaultResource(c, await vaults.queries.get(request(c).resourceGroup, request(c).name))),
    },
    {
      method: 'DELETE',
      path: VAULT,
      operation: 'VaultDelete',
      // ARM deletes are idempotent: 200 when a vault was deleted, 204 when there was none.
      handle: async (c) => ((await vaults.delete(request(c))) ? { status: 200 } : noContent()),
    },
    {
      method: 'GET',
      path: GROUP_VAULTS,
      operation: 'VaultList',
      handle: (c) => listed(c, request(c).resourceGroup),
    },
    { method: 'GET', path: `${PROVIDER}/vaults`, operation: 'VaultList', handle: (c) => listed(c) },
    {
      // What @azure/arm-keyvault's `vaults.list()` calls: ARM's generic resource list, filtered by type.
      method: 'GET',
      path: `${SUB}/resources`,
      operation: 'VaultList',
      apiFamily: 'resources',
      handle: async (c) => {
        if (!listsVaults(c.query.$filter)) return ok({ value: [] });
        const page = await vaults.queries.list(armPageRequest(c));
        return ok(
          armPageBody(
            c,
            page,
            page.items.map((v) => trackedResource(c, v)),
          ),
        );
      },
    },
    {
      method: 'POST',
      path: `${PROVIDER}/checkNameAvailability`,
      // Not an operation of its own in the catalogue: it reveals which names exist, as listing does.
      operation: 'VaultList',
      hasBody: true,
      handle: async (c) => ok(await vaults.checkName((c.body as { name?: unknown } | undefined)?.name)),
    },
    {
      method: 'GET',
      path: `${PROVIDER}/deletedVaults`,
      operation: 'VaultListDeleted',
      handle: async (c) => {
        const page = await vaults.queries.listDeleted(armPageRequest(c));
        return ok(
          armPageBody(
            c,
            page,
            page.items.map((d) => deletedVaultResource(c, d)),
          ),
        );
      },
    },
    {
      method: 'GET',
      path: DELETED_VAULT,
      operation: 'VaultGetDeleted',
      handle: async (c) =>
        ok(
          deletedVaultResource(c, await vaults.queries.getDeleted(c.params.location ?? '', request(c).name)),
        ),
    },
    {
      method: 'POST',
      path: `${DELETED_VAULT}/purge`,
      operation: 'VaultPurge',
      // Done when answered: the SDK's poller sees a 200 without an operation header and stops at once.
      handle: async (c) => {
        await vaults.purges.purge(c.params.location ?? '', request(c).name);
        return { status: 200 };
      },
    },
  ];
}

/**
 * Whether a `$filter` of the resources list selects key vaults: none (every resource here is a vault) or
 * `resourceType eq 'Microsoft.KeyVault/vaults'`. Another resource type selects nothing; anything else is
 * not understood.
 */
function listsVaults(filter: string | undefined): boolean {
  if (filter === undefined || filter.trim() === '') return true;
  const match = /^\s*resourceType\s+eq\s+'([^']*)'\s*$/i.exec(filter);
  if (!match) throw invalidQueryParameter('$filter', "only resourceType eq '<type>' is supported.");
  return match[1]?.toLowerCase() === KEY_VAULT_TYPE;
}
