/**
 * Built-in roles of the real service (data actions only), as glob patterns over RBAC data actions.
 * Special permissions (recover, purge, list deleted) are granted to principals separately.
 */
export const ROLES = {
  'Key Vault Administrator': ['Microsoft.KeyVault/vaults/*', 'Microsoft.KeyVault/locations/deletedVaults/*'],
  'Key Vault Reader': [
    'Microsoft.KeyVault/vaults/read',
    'Microsoft.KeyVault/vaults/*/read',
    'Microsoft.KeyVault/vaults/*/readMetadata/action',
  ],
  'Key Vault Secrets User': [
    'Microsoft.KeyVault/vaults/secrets/getSecret/action',
    'Microsoft.KeyVault/vaults/secrets/readMetadata/action',
  ],
  'Key Vault Secrets Officer': [
    'Microsoft.KeyVault/vaults/secrets/*',
    'Microsoft.KeyVault/vaults/deletedSecrets/read',
  ],
  'Key Vault Crypto User': [
    'Microsoft.KeyVault/vaults/keys/read',
    'Microsoft.KeyVault/vaults/keys/readMetadata/action',
    'Microsoft.KeyVault/vaults/keys/encrypt/action',
    'Microsoft.KeyVault/vaults/keys/decrypt/action',
    'Microsoft.KeyVault/vaults/keys/wrap/action',
    'Microsoft.KeyVault/vaults/keys/unwrap/action',
    'Microsoft.KeyVault/vaults/keys/sign/action',
    'Microsoft.KeyVault/vaults/keys/verify/action',
    'Microsoft.KeyVault/vaults/rng/action',
  ],
  // Secure key release only: what a confidential workload's identity is given.
  'Key Vault Crypto Service Release User': ['Microsoft.KeyVault/vaults/keys/release/action'],
  'Key Vault Crypto Officer': [
    'Microsoft.KeyVault/vaults/keys/*',
    'Microsoft.KeyVault/vaults/deletedKeys/read',
    // Rotation policies are their own resource type in RBAC; the real role grants them too.
    'Microsoft.KeyVault/vaults/keyrotationpolicies/*',
  ],
  'Key Vault Certificates Officer': [
    'Microsoft.KeyVault/vaults/certificates/*',
    'Microsoft.KeyVault/vaults/certificatecas/*',
    'Microsoft.KeyVault/vaults/certificatecontacts/write',
    'Microsoft.KeyVault/vaults/deletedCertificates/read',
    'Microsoft.KeyVault/vaults/secrets/readMetadata/action',
    'Microsoft.KeyVault/vaults/keys/read',
  ],
} as const satisfies Record<string, readonly string[]>;

export type RoleName = keyof typeof ROLES;
export const ROLE_NAMES = Object.keys(ROLES) as RoleName[];

/** Whether `pattern` (with `*` matching any run of characters) covers `action`. */
export function actionMatches(pattern: string, action: string): boolean {
  if (!pattern.includes('*')) return pattern === action;
  const regex = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`, 'i');
  return regex.test(action);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
