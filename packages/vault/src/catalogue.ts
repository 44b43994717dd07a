/**
 * The operation catalogue: every operation the service offers, with the real service's name, its class
 * (read or write: what a region in read-only mode may serve) and the RBAC data action it needs.
 * Routes, the read-only gate, metrics and fault rules all name operations from here.
 */
export type OperationClass = 'read' | 'write';

/** Permissions granted to principals by name, on top of roles, as in the real service. */
export type SpecialPermission = 'recover' | 'purge' | 'listDeleted';

export interface Operation {
  readonly name: string;
  readonly class: OperationClass;
  /** RBAC data action, e.g. `Microsoft.KeyVault/vaults/secrets/getSecret/action`. */
  readonly action: string;
  readonly special?: SpecialPermission;
}

const VAULTS = 'Microsoft.KeyVault/vaults';

function op(name: string, cls: OperationClass, action: string, special?: SpecialPermission): Operation {
  return special
    ? { name, class: cls, action: `${VAULTS}/${action}`, special }
    : { name, class: cls, action: `${VAULTS}/${action}` };
}

export const OPERATIONS = [
  op('SecretSet', 'write', 'secrets/setSecret/action'),
  op('SecretGet', 'read', 'secrets/getSecret/action'),
  op('SecretList', 'read', 'secrets/readMetadata/action'),
  op('SecretListVersions', 'read', 'secrets/readMetadata/action'),
  op('SecretUpdate', 'write', 'secrets/update/action'),
  op('SecretDelete', 'write', 'secrets/delete'),
  op('SecretGetDeleted', 'read', 'deletedSecrets/read', 'listDeleted'),
  op('SecretListDeleted', 'read', 'deletedSecrets/read', 'listDeleted'),
  op('SecretRecover', 'write', 'deletedSecrets/recover/action', 'recover'),
  op('SecretPurge', 'write', 'deletedSecrets/delete', 'purge'),
  op('SecretBackup', 'read', 'secrets/backup/action'),
  op('SecretRestore', 'write', 'secrets/restore/action'),
] as const satisfies readonly Operation[];

export type OperationName = (typeof OPERATIONS)[number]['name'];

const BY_NAME = new Map<string, Operation>(OPERATIONS.map((o) => [o.name, o]));

export function operation(name: OperationName): Operation {
  const found = BY_NAME.get(name);
  if (!found) throw new Error(`operation ${name} is not in the catalogue`);
  return found;
}

export function findOperation(name: string): Operation | undefined {
  return BY_NAME.get(name);
}
