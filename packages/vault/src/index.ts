export {
  findOperation,
  isOperationName,
  isVaultLifecycleOperation,
  OPERATIONS,
  type Operation,
  type OperationClass,
  type OperationName,
  operation,
  type SpecialPermission,
  VAULT_LIFECYCLE_OPERATIONS,
} from './catalogue.ts';
export type {
  CertificateContact,
  CertificateContacts,
} from './certificates/certificate-contacts.ts';
// Certificates (with their managed key and secret).
export type {
  CertificateDoc,
  CertificateOperation,
  CertificateVersion,
  DeletedCertificate,
} from './certificates/certificate-doc.ts';
export type {
  AdministratorDetails,
  CertificateIssuer,
  CertificateIssuers,
  IssuerAttributes,
  OrganizationDetails,
} from './certificates/certificate-issuers.ts';
export type { CertificateLifecycle } from './certificates/certificate-lifecycle.ts';
export type { CertificatePolicy } from './certificates/certificate-policy.ts';
export type {
  CertificateStore,
  CertificateWithPolicy,
  PendingOperation,
} from './certificates/certificate-store.ts';
export { loadMasterKey } from './crypto/master-key.ts';
export { Sealer } from './crypto/sealer.ts';
export * from './errors.ts';
// Keys and cryptography.
export type { KeyCryptography, KeyOperationResult } from './keys/key-cryptography.ts';
export type { DeletedKey, KeyDoc, KeyVersion, PublicJwk } from './keys/key-doc.ts';
export { operationNotSpecified } from './keys/key-errors.ts';
export type { AttestationVerifier, ReleaseEncryption, VerifiedAttestation } from './keys/key-release.ts';
export type { KeyStore, ReleasedKey } from './keys/key-store.ts';
export type { KeyOperation, KeyType } from './keys/key-types.ts';
export { type ReleasePolicy, releasePolicyFrom, releaseRulesOf, satisfies } from './keys/release-policy.ts';
export type { RotationPolicy } from './keys/rotation-policy.ts';
export { RestoreConflictError } from './object-errors.ts';
export { CERTIFICATE, KEY, type ObjectKind, SECRET } from './object-kind.ts';
export { OPERATION_GROUPS, operationsNamedBy } from './operation-patterns.ts';
export {
  DEFAULT_READ_ONLY_PROFILE,
  READ_ONLY_PROFILES,
  type ReadOnlyProfile,
  readOnlyAllowlist,
  servedWhileReadOnly,
} from './read-only-profiles.ts';
export { MAX_SECRET_VALUE_BYTES } from './secrets/secret-input.ts';
export { inFormat, requireOutContentType } from './secrets/secret-out-format.ts';
export type {
  DeletedSecret,
  OpenSecret,
  SecretDoc,
  SecretStore,
  SecretVersion,
} from './secrets/secret-store.ts';
export { MAX_CLOCK_TIME_MS, SimulatedClock, type SimulatedClockOptions } from './simulated-clock.ts';
export { PurgeScheduler } from './soft-delete/purge-scheduler.ts';
export {
  CHANGE_FORMAT,
  CommitScriptError,
  type CommitScriptErrorCode,
  commitScriptError,
} from './store/committer.ts';
export { type LuaScript, loadLua, scriptDefiner } from './store/lua-scripts.ts';
export type { Attributes, DeletedObject, Deletion, ObjectVersion } from './store/object-repository.ts';
export { MAX_PAGE_SIZE, type Page, type PageRequest } from './store/paging.ts';
export type { PropagationDelays } from './store/propagation.ts';
// The vault's scripts on a client: what the commit script replies is part of the store's contract.
export { type VaultRedis, vaultRedis } from './store/scripts.ts';
export { storePosition } from './store/store-position.ts';
export {
  CHANGE_NOTICES_KEY,
  commitResultKey,
  logKeys,
  rel as vaultRelativeKeys,
  vaultPrefix,
} from './store/vault-keys.ts';
export {
  DEFAULT_RETENTION_DAYS,
  recoveryOf,
  type VaultProperties,
  VaultRegistry,
  type VaultSpec,
  vaultNotFound,
} from './store/vault-registry.ts';
export { createVaultService, type VaultService, type VaultServiceOptions } from './vault-service.ts';
// The management plane (vaults as resources).
export * from './vaults/index.ts';
