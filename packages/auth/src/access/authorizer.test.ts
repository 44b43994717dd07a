import { operation } from '@vaultover/vault';
import { describe, expect, it } from 'vitest';
import { Authorizer } from './authorizer.ts';
import { DEFAULT_PRINCIPALS } from './principals.ts';

const authorizer = new Authorizer(DEFAULT_PRINCIPALS);
const context = { vault: 'vaultover', region: 'westeurope', tenantId: 't' };

describe('Authorizer with the default principals', () => {
  it.each([
    ['admin', 'SecretPurge', true],
    ['admin', 'SecretRecover', true],
    ['officer', 'SecretSet', true],
    ['officer', 'SecretListDeleted', true],
    ['officer', 'SecretPurge', false],
    ['officer', 'SecretRecover', false],
    ['app', 'SecretGet', true],
    ['app', 'SecretSet', false],
    ['app', 'SecretDelete', false],
    ['reader', 'SecretList', true],
    ['reader', 'SecretGet', false],
    ['reader', 'SecretBackup', false],
    ['stranger', 'SecretList', false],
  ] as const)('%s may %s: %s', (principal, name, allowed) => {
    expect(authorizer.allows(principal, operation(name))).toBe(allowed);
  });

  it('denies with 403 ForbiddenByRbac naming the action, in the real message shape', () => {
    expect(() => authorizer.authorize(operation('SecretGet'), { principal: 'reader', ...context })).toThrow(
      expect.objectContaining({
        status: 403,
        code: 'Forbidden',
        innerCode: 'ForbiddenByRbac',
        message: expect.stringContaining("Action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action'"),
      }),
    );
  });

  it('knows who administers', () => {
    expect(authorizer.isAdministrator('admin')).toBe(true);
    expect(authorizer.isAdministrator('officer')).toBe(false);
  });
});

describe('Key Vault Crypto Service Release User', () => {
  const releaser = new Authorizer({
    enclave: { roles: ['Key Vault Crypto Service Release User'], permissions: [] },
  });

  it.each([
    ['KeyRelease', true],
    ['KeyGet', false],
    ['KeyDecrypt', false],
  ] as const)('may %s: %s', (name, allowed) => {
    expect(releaser.allows('enclave', operation(name))).toBe(allowed);
  });
});
