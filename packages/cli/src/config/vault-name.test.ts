import { describe, expect, it } from 'vitest';
import { isValidVaultName } from './vault-name.ts';

describe('isValidVaultName', () => {
  it.each(['abc', 'vaultover', 'My-Vault-1', 'a1b', 'a'.repeat(24)])('accepts %s', (name) => {
    expect(isValidVaultName(name)).toBe(true);
  });

  it.each([
    ['ab', 'too short'],
    ['a'.repeat(25), 'too long'],
    ['1abc', 'starts with a digit'],
    ['-abc', 'starts with a hyphen'],
    ['abc-', 'ends with a hyphen'],
    ['ab--c', 'has "--"'],
    ['ab_c', 'has an underscore'],
    ['ab.c', 'has a dot'],
  ])('refuses %s (%s)', (name) => {
    expect(isValidVaultName(name)).toBe(false);
  });
});
