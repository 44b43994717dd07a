// The management plane's public face: vaults as resources, their soft delete and their purge.
export { VAULT_PURGE_KIND } from '../soft-delete/purge-scheduler.ts';
export { VAULT_INDEX_KEY } from '../store/vault-index.ts';
export {
  DEFAULT_RESOURCE_GROUP,
  VAULT_SKUS,
  type VaultDeletion,
  type VaultSku,
} from './vault-doc.ts';
export { ArmBadRequestError, ArmConflictError, invalidRequestContent } from './vault-errors.ts';
export { vaultCreateMode } from './vault-input.ts';
export { VaultManager } from './vault-manager.ts';
export { isValidVaultName } from './vault-name.ts';
export {
  DEFAULT_VAULT_PAGE,
  type DeletedVault,
  type NameAvailability,
  type VaultPageRequest,
  VaultQueries,
} from './vault-queries.ts';
export type { VaultRequest } from './vault-request.ts';
