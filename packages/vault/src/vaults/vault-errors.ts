import { NotFoundError, VaultError } from '../errors.ts';

// Errors of the management plane (vaults as ARM resources), with the codes Azure Resource Manager and the
// Key Vault resource provider answer with. Wording marked "observed" is quoted from real responses seen in
// public issue threads and provider code; the rest follows ARM's conventions and is marked "ours".

/** A 400 with an ARM code (`BadRequest`, `LocationRequired`, …). */
export class ArmBadRequestError extends VaultError {
  constructor(code: string, message: string) {
    super(400, code, message);
  }
}

/** A 409 with an ARM code (`ConflictError`, `VaultAlreadyExists`). */
export class ArmConflictError extends VaultError {
  constructor(code: string, message: string) {
    super(409, code, message);
  }
}

/** Observed (az CLI and deployment logs). */
export function vaultNameNotValid(name: string): ArmBadRequestError {
  return new ArmBadRequestError(
    'VaultNameNotValid',
    `The vault name '${name.slice(0, 100)}' is invalid. A vault's name must be between 3-24 alphanumeric ` +
      'characters. The name must begin with a letter, end with a letter or digit, and not contain consecutive ' +
      'hyphens. Follow this link for more information: https://go.microsoft.com/fwlink/?linkid=2147742',
  );
}

/** ARM's own 404 for a resource that does not exist (observed shape). */
export function vaultResourceNotFound(resourceGroup: string, name: string): NotFoundError {
  return new NotFoundError(
    'ResourceNotFound',
    `The Resource 'Microsoft.KeyVault/vaults/${name}' under resource group '${resourceGroup}' was not found. ` +
      'For more details please go to https://aka.ms/ARMResourceNotFoundFix',
  );
}

/** Code observed (`az keyvault purge` on a name that is gone); wording ours. */
export function deletedVaultNotFound(name: string, location: string): NotFoundError {
  return new NotFoundError(
    'DeletedVaultNotFound',
    `The deleted vault '${name}' does not exist in location '${location}'.`,
  );
}

/** Observed (deployments re-creating a soft-deleted vault). */
export function vaultNameInDeletedState(): ArmConflictError {
  return new ArmConflictError(
    'ConflictError',
    'A vault with the same name already exists in deleted state. You need to either recover or purge ' +
      'existing key vault. Follow this link https://go.microsoft.com/fwlink/?linkid=2149745 for more ' +
      'information on soft delete.',
  );
}

/** Observed (a name taken by a vault elsewhere: here, another resource group). */
export function vaultAlreadyExists(name: string): ArmConflictError {
  return new ArmConflictError(
    'VaultAlreadyExists',
    `The vault name '${name}' is already in use. Vault names are globaly unique so it is possible that the ` +
      'name is already taken. If you are sure that the vault name was not taken then it is possible that a ' +
      'vault with the same name was recently deleted but not purged after being placed in a recoverable state. ' +
      'If the vault is in a recoverable state then the vault will need to be purged before reusing the name. ' +
      'For more information on soft delete and purging a vault follow this link ' +
      'https://go.microsoft.com/fwlink/?linkid=2147740.',
  );
}

/** Observed (terraform-provider-azurerm quotes it). */
export function retentionImmutable(): ArmBadRequestError {
  return new ArmBadRequestError(
    'BadRequest',
    'The property "softDeleteRetentionInDays" has been set already and it can\'t be modified.',
  );
}

/** Observed (az keyvault create --enable-purge-protection false). */
export function purgeProtectionIrreversible(): ArmBadRequestError {
  return new ArmBadRequestError(
    'BadRequest',
    'The property "enablePurgeProtection" cannot be set to false. Enabling the purge protection for a vault ' +
      'is an irreversible action.',
  );
}

/** Ours, in the purge-protection message's form: soft delete can no longer be turned off (since 2025). */
export function softDeleteIrreversible(): ArmBadRequestError {
  return new ArmBadRequestError(
    'BadRequest',
    'The property "enableSoftDelete" cannot be set to false. Soft delete is always enabled for key vaults ' +
      'and cannot be turned off.',
  );
}

/** Observed: `(MethodNotAllowed) Operation 'DeletedVaultPurge' is not allowed.` (status inferred from the code). */
export function vaultPurgeNotAllowed(): VaultError {
  return new VaultError(405, 'MethodNotAllowed', "Operation 'DeletedVaultPurge' is not allowed.");
}

/** ARM's code and first words (observed); the detail is ours. */
export function locationRequired(): ArmBadRequestError {
  return new ArmBadRequestError('LocationRequired', 'The location property is required for this definition.');
}

/** ARM's code and message shape (observed). */
export function locationNotAvailable(location: string, available: string): ArmBadRequestError {
  return new ArmBadRequestError(
    'LocationNotAvailableForResourceType',
    `The provided location '${location.slice(0, 60)}' is not available for resource type ` +
      `'Microsoft.KeyVault/vaults'. List of available regions for the resource type is '${available}'.`,
  );
}

/** ARM's code and message prefix (observed) for a body that is not what the API takes. */
export function invalidRequestContent(detail: string): ArmBadRequestError {
  return new ArmBadRequestError(
    'InvalidRequestContent',
    `The request content was invalid and could not be deserialized: '${detail.slice(0, 200)}'.`,
  );
}

/** A property with a wrong value (ours: the provider's exact words for each case are not known). */
export function badVaultProperty(message: string): ArmBadRequestError {
  return new ArmBadRequestError('BadRequest', message);
}

/** The data plane's answer for a host naming no live vault (a missing, soft-deleted or purged one). */
export function vaultNotFound(name: string): NotFoundError {
  return new NotFoundError(
    'VaultNotFound',
    `Vault ${name} was not found in this region. Check the vault name in the host.`,
  );
}
