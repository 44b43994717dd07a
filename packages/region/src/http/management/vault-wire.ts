import type { DeletedVault, VaultProperties } from '@vaultover/vault';
import type { ArmContext } from './arm-route.ts';

// The JSON shapes of the Key Vault resource provider (Microsoft.KeyVault), as @azure/arm-keyvault reads them.

const PROVIDER = 'Microsoft.KeyVault';

/** `/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.KeyVault/vaults/{name}`. */
export function vaultId(subscriptionId: string, vault: VaultProperties): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${vault.resourceGroup}/providers/${PROVIDER}/vaults/${vault.name}`;
}

/** A vault resource (`Vault`). */
export function vaultResource(context: ArmContext, vault: VaultProperties) {
  return {
    ...trackedResource(context, vault),
    systemData: {
      createdBy: vault.createdBy,
      createdByType: 'Application',
      createdAt: new Date(vault.created).toISOString(),
      lastModifiedBy: vault.updatedBy,
      lastModifiedByType: 'Application',
      lastModifiedAt: new Date(vault.updated).toISOString(),
    },
    properties: {
      tenantId: vault.tenantId,
      sku: { family: 'A', name: vault.sku },
      // Access is by RBAC only: access policies are not modelled, so the list is always empty.
      accessPolicies: [],
      vaultUri: context.vaultUri(vault.name),
      enabledForDeployment: false,
      enabledForDiskEncryption: false,
      enabledForTemplateDeployment: false,
      enableSoftDelete: true,
      softDeleteRetentionInDays: vault.retentionDays,
      enableRbacAuthorization: vault.rbacAuthorization,
      enablePurgeProtection: vault.purgeProtection,
      provisioningState: 'Succeeded',
      publicNetworkAccess: 'Enabled',
    },
  };
}

/** A vault as ARM's generic resources list shows it (`TrackedResource`). */
export function trackedResource(context: ArmContext, vault: VaultProperties) {
  return {
    id: vaultId(context.subscriptionId, vault),
    name: vault.name,
    type: `${PROVIDER}/vaults`,
    location: vault.location,
    tags: vault.tags,
  };
}

/** A soft-deleted vault (`DeletedVault`). */
export function deletedVaultResource(context: ArmContext, deleted: DeletedVault) {
  const vault = deleted.properties;
  return {
    id: `/subscriptions/${context.subscriptionId}/providers/${PROVIDER}/locations/${vault.location}/deletedVaults/${vault.name}`,
    name: vault.name,
    type: `${PROVIDER}/deletedVaults`,
    properties: {
      vaultId: vaultId(context.subscriptionId, vault),
      location: vault.location,
      deletionDate: new Date(deleted.deletion.deletedDate * 1000).toISOString(),
      scheduledPurgeDate: new Date(deleted.deletion.scheduledPurgeDate * 1000).toISOString(),
      tags: vault.tags,
      purgeProtectionEnabled: vault.purgeProtection,
    },
  };
}
