import { isValidVaultName } from '@vaultover/vault';
import { z } from 'zod';

// The real service's rule (3–24 letters, digits and hyphens…), owned by the vault package, which the
// management plane applies to vaults created at run time.
export { isValidVaultName };

/** A vault name, checked and lower-cased: vault names are case-insensitive and host names are lower-case. */
export const vaultNameSchema = z
  .string()
  .refine(isValidVaultName, {
    message:
      'expected a vault name: 3-24 letters, digits and hyphens, starting with a letter, ' +
      'ending with a letter or digit, without "--"',
  })
  .transform((name) => name.toLowerCase());
