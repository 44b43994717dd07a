import { type PurgeJob, VAULT_PURGE_KIND } from '../soft-delete/purge-scheduler.ts';
import type { VaultDeletion, VaultProperties } from './vault-doc.ts';
import { vaultNameNotValid } from './vault-errors.ts';
import { isValidVaultName } from './vault-name.ts';

/** Who asks for which vault, as the management plane's paths and tokens say. */
export interface VaultRequest {
  readonly resourceGroup: string;
  /** As given in the path; names are compared in lower case. */
  readonly name: string;
  /** The caller, recorded as `createdBy` / `updatedBy`. */
  readonly principal: string;
}

/** The stored form of a vault name to be created: lower case, or 400 VaultNameNotValid. */
export function requireVaultName(name: string): string {
  if (!isValidVaultName(name)) throw vaultNameNotValid(name);
  return name.toLowerCase();
}

/** The stored form of a name to look up; undefined for a name no vault can have (so: not found). */
export function lookupVaultName(name: string): string | undefined {
  return isValidVaultName(name) ? name.toLowerCase() : undefined;
}

/** Resource group names are case-insensitive in ARM. */
export function inGroup(vault: VaultProperties, resourceGroup: string): boolean {
  return vault.resourceGroup.toLowerCase() === resourceGroup.toLowerCase();
}

/** The scheduled purge of a soft-deleted vault. */
export function vaultPurgeJob(name: string, deletion: VaultDeletion): PurgeJob {
  return { vault: name, kind: VAULT_PURGE_KIND, name, deletion };
}
