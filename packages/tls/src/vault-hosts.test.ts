import { describe, expect, it } from 'vitest';
import { VaultHostResolver } from './vault-hosts.ts';

describe('VaultHostResolver', () => {
  const resolver = new VaultHostResolver('vaultover', ['vaults.test']);

  it.each([
    ['localhost', 'vaultover'],
    ['127.0.0.1', 'vaultover'],
    ['[::1]', 'vaultover'],
    ['vaults.test', 'vaultover'],
    ['payments.localhost', 'payments'],
    ['Payments.LocalHost', 'payments'],
    ['payments.vaults.test', 'payments'],
    ['example.com', undefined],
    ['a.b.localhost', undefined],
  ])('maps host %s to vault %s', (host, vault) => {
    expect(resolver.resolve(host)).toBe(vault);
  });
});
