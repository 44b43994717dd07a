import { type Attributes, recoveryOf, type VaultProperties } from '@vaultover/vault';

/** Attributes as the service returns them: stored attributes plus the vault's recovery level. */
export function wireAttributes(attributes: Attributes, vault: VaultProperties): Record<string, unknown> {
  return { ...dropUndefined(attributes), ...recoveryOf(vault) };
}

export function dropUndefined<T extends object>(value: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field !== undefined) out[key as keyof T] = field;
  }
  return out;
}
