// The real service's rule: 3–24 characters, letters, digits and hyphens, starting with a letter and
// ending with a letter or digit, with no consecutive hyphens (the CLI's config applies the same rule).
const VAULT_NAME = /^[a-z](?!.*--)[a-z0-9-]{1,22}[a-z0-9]$/i;

/** Whether `name` is a valid vault name (any case). */
export function isValidVaultName(name: string): boolean {
  return VAULT_NAME.test(name);
}
