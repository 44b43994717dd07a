/** Default soft-delete retention, as in the real service. */
export const DEFAULT_RETENTION_DAYS = 90;

/** Resource group of vaults created from the configuration file rather than through the management API. */
export const DEFAULT_RESOURCE_GROUP = 'vaultover';

export const VAULT_SKUS = ['standard', 'premium'] as const;
export type VaultSku = (typeof VAULT_SKUS)[number];

/**
 * Properties of a vault: what shapes how its objects behave, and what the management plane shows.
 * Retention is fixed at creation and purge protection cannot be turned off, as in the real service.
 */
export interface VaultProperties {
  /** Lower case: vault names are case-insensitive and are host names. */
  readonly name: string;
  /** Soft-delete retention, 7–90 days. */
  readonly retentionDays: number;
  /** When true, deleted vaults and objects cannot be purged before their retention ends. */
  readonly purgeProtection: boolean;
  /** Creation time, ms since the epoch. */
  readonly created: number;
  /** Last change of the properties, ms since the epoch. */
  readonly updated: number;
  /** Region the vault lives in (ARM `location`). */
  readonly location: string;
  readonly resourceGroup: string;
  readonly tenantId: string;
  readonly sku: VaultSku;
  readonly rbacAuthorization: boolean;
  readonly tags: Readonly<Record<string, string>>;
  /** Principals behind the creation and the last change (ARM `systemData`). */
  readonly createdBy: string;
  readonly updatedBy: string;
}

/** When a vault was soft-deleted and when the service purges it, in IntDate seconds (like objects). */
export interface VaultDeletion {
  readonly deletedDate: number;
  readonly scheduledPurgeDate: number;
}

/** A stored vault as read: its properties, its deletion when soft-deleted, and the raw fields for guards. */
export interface VaultRecord {
  readonly properties: VaultProperties;
  readonly deletion: VaultDeletion | undefined;
  /** The `doc` field exactly as stored, for compare-and-set. */
  readonly rawDoc: string;
}

/** Values a region gives vaults whose document does not say (config vaults, documents of older versions). */
export interface VaultDefaults {
  readonly location: string;
  readonly tenantId: string;
}

/** The properties in a stored document, with defaults for fields that older documents lack. */
export function propertiesFromDoc(raw: string, defaults: VaultDefaults): VaultProperties {
  const doc = JSON.parse(raw) as Partial<VaultProperties> & Pick<VaultProperties, 'name' | 'created'>;
  return {
    name: doc.name,
    retentionDays: doc.retentionDays ?? DEFAULT_RETENTION_DAYS,
    purgeProtection: doc.purgeProtection ?? false,
    created: doc.created,
    updated: doc.updated ?? doc.created,
    location: doc.location ?? defaults.location,
    resourceGroup: doc.resourceGroup ?? DEFAULT_RESOURCE_GROUP,
    tenantId: doc.tenantId ?? defaults.tenantId,
    sku: doc.sku ?? 'standard',
    rbacAuthorization: doc.rbacAuthorization ?? true,
    tags: doc.tags ?? {},
    createdBy: doc.createdBy ?? 'vaultover',
    updatedBy: doc.updatedBy ?? doc.createdBy ?? 'vaultover',
  };
}

/** The stored form of a deletion; one canonical field order, so that guards can compare strings. */
export function deletionJson(deletion: VaultDeletion): string {
  return JSON.stringify({
    deletedDate: deletion.deletedDate,
    scheduledPurgeDate: deletion.scheduledPurgeDate,
  });
}

/** The `recoveryLevel` and `recoverableDays` the real service reports for objects of a vault. */
export function recoveryOf(vault: VaultProperties): { recoveryLevel: string; recoverableDays: number } {
  const customized = vault.retentionDays < 90 ? 'Customized' : '';
  const purgeable = vault.purgeProtection ? '' : '+Purgeable';
  return { recoveryLevel: `${customized}Recoverable${purgeable}`, recoverableDays: vault.retentionDays };
}
