/**
 * The operation catalogue: every operation the service offers, with the real service's name, its class
 * (read or write: what a region in read-only mode may serve) and the RBAC data action it needs.
 * Routes, RBAC, the read-only gate and metrics all name operations from here.
 */
export type OperationClass = 'read' | 'write';

/** Permissions granted to principals by name, on top of roles, as in the real service. */
export type SpecialPermission = 'recover' | 'purge' | 'listDeleted';

interface OperationSpec<Name extends string = string> {
  readonly name: Name;
  readonly class: OperationClass;
  /** `data` (the vault's own API) or `management` (vaults as resources, ARM-style). */
  readonly plane: 'data' | 'management';
  /** RBAC action, e.g. `Microsoft.KeyVault/vaults/secrets/getSecret/action`. */
  readonly action: string;
  readonly special?: SpecialPermission;
}

function op<const Name extends string>(
  name: Name,
  cls: OperationClass,
  action: string,
  special?: SpecialPermission,
  plane: OperationSpec['plane'] = 'data',
): OperationSpec<Name> {
  const operation = { name, class: cls, plane, action: `Microsoft.KeyVault/${action}` };
  return special ? { ...operation, special } : operation;
}

const vaultOp = <const Name extends string>(
  name: Name,
  cls: OperationClass,
  action: string,
  special?: SpecialPermission,
) => op(name, cls, action, special, 'management');

// Names are the real service's operation names (its diagnostic logs' operationName).
export const OPERATIONS = [
  op('SecretSet', 'write', 'vaults/secrets/setSecret/action'),
  op('SecretGet', 'read', 'vaults/secrets/getSecret/action'),
  op('SecretList', 'read', 'vaults/secrets/readMetadata/action'),
  op('SecretListVersions', 'read', 'vaults/secrets/readMetadata/action'),
  op('SecretUpdate', 'write', 'vaults/secrets/update/action'),
  op('SecretDelete', 'write', 'vaults/secrets/delete'),
  op('SecretGetDeleted', 'read', 'vaults/deletedSecrets/read', 'listDeleted'),
  op('SecretListDeleted', 'read', 'vaults/deletedSecrets/read', 'listDeleted'),
  op('SecretRecover', 'write', 'vaults/deletedSecrets/recover/action', 'recover'),
  op('SecretPurge', 'write', 'vaults/deletedSecrets/delete', 'purge'),
  op('SecretBackup', 'read', 'vaults/secrets/backup/action'),
  op('SecretRestore', 'write', 'vaults/secrets/restore/action'),

  op('KeyCreate', 'write', 'vaults/keys/create/action'),
  op('KeyImport', 'write', 'vaults/keys/import/action'),
  op('KeyGet', 'read', 'vaults/keys/read'),
  op('KeyList', 'read', 'vaults/keys/read'),
  op('KeyListVersions', 'read', 'vaults/keys/read'),
  op('KeyUpdate', 'write', 'vaults/keys/write'),
  op('KeyDelete', 'write', 'vaults/keys/delete'),
  op('KeyGetDeleted', 'read', 'vaults/deletedKeys/read', 'listDeleted'),
  op('KeyListDeleted', 'read', 'vaults/deletedKeys/read', 'listDeleted'),
  op('KeyRecover', 'write', 'vaults/deletedKeys/recover/action', 'recover'),
  op('KeyPurge', 'write', 'vaults/deletedKeys/delete', 'purge'),
  op('KeyBackup', 'read', 'vaults/keys/backup/action'),
  op('KeyRestore', 'write', 'vaults/keys/restore/action'),
  op('KeyRotate', 'write', 'vaults/keys/rotate/action'),
  op('KeyRotationPolicyGet', 'read', 'vaults/keyrotationpolicies/read'),
  op('KeyRotationPolicySet', 'write', 'vaults/keyrotationpolicies/write'),
  op('KeyEncrypt', 'read', 'vaults/keys/encrypt/action'),
  op('KeyDecrypt', 'read', 'vaults/keys/decrypt/action'),
  op('KeyWrap', 'read', 'vaults/keys/wrap/action'),
  op('KeyUnwrap', 'read', 'vaults/keys/unwrap/action'),
  op('KeySign', 'read', 'vaults/keys/sign/action'),
  op('KeyVerify', 'read', 'vaults/keys/verify/action'),
  op('KeyRelease', 'read', 'vaults/keys/release/action'),
  op('RandomBytesGet', 'read', 'vaults/rng/action'),

  op('CertificateCreate', 'write', 'vaults/certificates/create/action'),
  op('CertificateImport', 'write', 'vaults/certificates/import/action'),
  op('CertificateGet', 'read', 'vaults/certificates/read'),
  op('CertificateList', 'read', 'vaults/certificates/read'),
  op('CertificateListVersions', 'read', 'vaults/certificates/read'),
  op('CertificateUpdate', 'write', 'vaults/certificates/update/action'),
  op('CertificatePolicyGet', 'read', 'vaults/certificates/read'),
  op('CertificatePolicyUpdate', 'write', 'vaults/certificates/update/action'),
  op('CertificatePendingGet', 'read', 'vaults/certificates/read'),
  op('CertificatePendingDelete', 'write', 'vaults/certificates/update/action'),
  op('CertificatePendingUpdate', 'write', 'vaults/certificates/update/action'),
  op('CertificateMerge', 'write', 'vaults/certificates/create/action'),
  op('CertificateDelete', 'write', 'vaults/certificates/delete'),
  op('CertificateGetDeleted', 'read', 'vaults/deletedCertificates/read', 'listDeleted'),
  op('CertificateListDeleted', 'read', 'vaults/deletedCertificates/read', 'listDeleted'),
  op('CertificateRecover', 'write', 'vaults/deletedCertificates/recover/action', 'recover'),
  op('CertificatePurge', 'write', 'vaults/deletedCertificates/delete', 'purge'),
  op('CertificateBackup', 'read', 'vaults/certificates/backup/action'),
  op('CertificateRestore', 'write', 'vaults/certificates/restore/action'),
  // Issuers are "certificate authorities" to RBAC; contacts have one data action for reading and writing.
  op('CertificateIssuerSet', 'write', 'vaults/certificatecas/write'),
  op('CertificateIssuerGet', 'read', 'vaults/certificatecas/read'),
  op('CertificateIssuerUpdate', 'write', 'vaults/certificatecas/write'),
  op('CertificateIssuersList', 'read', 'vaults/certificatecas/read'),
  op('CertificateIssuerDelete', 'write', 'vaults/certificatecas/delete'),
  op('CertificateContactsSet', 'write', 'vaults/certificatecontacts/write'),
  op('CertificateContactsGet', 'read', 'vaults/certificatecontacts/write'),
  op('CertificateContactsDelete', 'write', 'vaults/certificatecontacts/write'),

  vaultOp('VaultPut', 'write', 'vaults/write'),
  vaultOp('VaultPatch', 'write', 'vaults/write'),
  vaultOp('VaultGet', 'read', 'vaults/read'),
  vaultOp('VaultList', 'read', 'vaults/read'),
  vaultOp('VaultDelete', 'write', 'vaults/delete'),
  vaultOp('VaultGetDeleted', 'read', 'locations/deletedVaults/read', 'listDeleted'),
  vaultOp('VaultListDeleted', 'read', 'locations/deletedVaults/read', 'listDeleted'),
  vaultOp('VaultRecover', 'write', 'vaults/write', 'recover'),
  vaultOp('VaultPurge', 'write', 'locations/deletedVaults/purge/action', 'purge'),
] as const;

/** The name of an operation of the catalogue: a closed union (`SecretSet`, `KeyGet`, …, `VaultPurge`). */
export type OperationName = (typeof OPERATIONS)[number]['name'];

/** An operation of the catalogue. */
export type Operation = OperationSpec<OperationName>;

const BY_NAME = new Map<string, Operation>(OPERATIONS.map((o) => [o.name, o]));

export function operation(name: OperationName): Operation {
  const found = BY_NAME.get(name);
  if (!found) throw new Error(`operation ${name} is not in the catalogue`);
  return found;
}

/** The operation named `name`, for names read from outside (the wire, a log entry); undefined when unknown. */
export function findOperation(name: string): Operation | undefined {
  return BY_NAME.get(name);
}

/**
 * The operations on a vault itself (its lifecycle), which change its properties rather than its contents:
 * they check the vault's state with guards of their own, and a secondary re-reads its index of vaults
 * after applying one.
 */
export const VAULT_LIFECYCLE_OPERATIONS = [
  'VaultPut',
  'VaultPatch',
  'VaultDelete',
  'VaultRecover',
  'VaultPurge',
] as const satisfies readonly OperationName[];

const VAULT_LIFECYCLE = new Set<string>(VAULT_LIFECYCLE_OPERATIONS);

/** Whether `name` (ours, or read from a change entry) is one of {@link VAULT_LIFECYCLE_OPERATIONS}. */
export function isVaultLifecycleOperation(name: string): boolean {
  return VAULT_LIFECYCLE.has(name);
}

/** Whether `name` is an operation of the catalogue: how names read from outside become OperationName. */
export function isOperationName(name: string): name is OperationName {
  return BY_NAME.has(name);
}
