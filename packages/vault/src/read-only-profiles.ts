import type { OperationName } from './catalogue.ts';

/**
 * Which operations a vault keeps serving while failed over to its secondary region (read-only).
 * `2016`: the list the real service documented when read-only failover was introduced, and the one its
 * observed behaviour follows. `current`: today's documentation, which names certificates and no longer
 * the two vault (management plane) operations. Taken literally: "list secrets" is SecretList, not
 * SecretListVersions; "backup" is the backup of a secret or a key.
 */
export const READ_ONLY_PROFILES = ['2016', 'current'] as const;
export type ReadOnlyProfile = (typeof READ_ONLY_PROFILES)[number];

export const DEFAULT_READ_ONLY_PROFILE: ReadOnlyProfile = '2016';

const COMMON: readonly OperationName[] = [
  'SecretList',
  'SecretGet',
  'KeyList',
  'KeyGet',
  'KeyEncrypt',
  'KeyDecrypt',
  'KeyWrap',
  'KeyUnwrap',
  'KeyVerify',
  'KeySign',
  'SecretBackup',
  'KeyBackup',
];

const ALLOWLISTS: Record<ReadOnlyProfile, ReadonlySet<OperationName>> = {
  '2016': new Set<OperationName>(['VaultList', 'VaultGet', ...COMMON]),
  current: new Set<OperationName>(['CertificateList', 'CertificateGet', ...COMMON]),
};

/** Whether a region in read-only mode serves `operation` under `profile`. */
export function servedWhileReadOnly(operation: OperationName, profile: ReadOnlyProfile): boolean {
  return ALLOWLISTS[profile].has(operation);
}

/** The allowlist of a profile, in catalogue order of the list above (for docs and status). */
export function readOnlyAllowlist(profile: ReadOnlyProfile): readonly OperationName[] {
  return [...ALLOWLISTS[profile]];
}
