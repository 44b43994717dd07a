import { describe, expect, it } from 'vitest';
import { operationsNamedBy } from './operation-patterns.ts';

describe('operationsNamedBy', () => {
  it('reads names, patterns and the read and write groups against the catalogue', () => {
    expect(operationsNamedBy('SecretGet')).toEqual(['SecretGet']);
    expect(operationsNamedBy('secretget')).toEqual([]);
    expect(operationsNamedBy('Secret*')).toContain('SecretListDeleted');
    expect(operationsNamedBy('Secret*').every((name) => name.startsWith('Secret'))).toBe(true);
    expect(operationsNamedBy('*Backup')).toEqual(['SecretBackup', 'KeyBackup', 'CertificateBackup']);
    expect(operationsNamedBy('Key*t')).toContain('KeyEncrypt');
    expect(operationsNamedBy('read')).toContain('KeyDecrypt');
    expect(operationsNamedBy('read')).not.toContain('SecretSet');
    expect(operationsNamedBy('write')).toContain('VaultPut');
    expect(operationsNamedBy('*')).toHaveLength(
      operationsNamedBy('read').length + operationsNamedBy('write').length,
    );
    expect(operationsNamedBy('Key.*')).toEqual([]);
    expect(operationsNamedBy('Nothing*')).toEqual([]);
  });
});
