import { z } from 'zod';

// The real service's rule: 3–24 characters, letters, digits and hyphens, starting with a letter and
// ending with a letter or digit, with no consecutive hyphens.
const VAULT_NAME = /^[a-z](?!.*--)[a-z0-9-]{1,22}[a-z0-9]$/i;

/** Whether `name` is a valid vault name (any case). */
export function isValidVaultName(name: string): boolean {
  return VAULT_NAME.test(name);
}

/** A vault name, checked and lower-cased: vault names are case-insensitive and host names are lower-case. */
export const vaultNameSchema = z
  .string()
  .refine(isValidVaultName, {
    message:
      'expected a vault name: 3-24 letters, digits and hyphens, starting with a letter, ' +
      'ending with a letter or digit, without "--"',
  })
  .transform((name) => name.toLowerCase());
