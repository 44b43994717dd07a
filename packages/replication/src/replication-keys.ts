import { vaultPrefix } from '@vaultover/vault';

/**
 * Replication's own keys of a vault. They carry the vault's hash tag, so that the checkpoint sits in
 * the vault's slot and the apply script can advance it in the same atomic step as the copy.
 * Everything under `repl:` is excluded from digests and snapshots.
 */
export const REPL_PREFIX = 'repl:';

/** On the secondary: hash `position`, `time` of the last applied entry of the vault. */
export function checkpointKey(vault: string): string {
  return `${vaultPrefix(vault)}${REPL_PREFIX}checkpoint`;
}

/** On the primary: the position a secondary region has applied (and so acknowledges). */
export function ackKey(vault: string, region: string): string {
  return `${vaultPrefix(vault)}${REPL_PREFIX}ack:${region}`;
}

/** Whether a relative key name is vault state (not the log, the position counter or replication's keys). */
export function isStateKey(relative: string): boolean {
  return relative !== 'log' && relative !== 'pos' && !relative.startsWith(REPL_PREFIX);
}

/** The vault name inside an absolute key `vo:{<vault>}:...`, or undefined. */
export function vaultOfKey(key: string): string | undefined {
  const match = /^vo:\{([^}]*)\}:/.exec(key);
  return match?.[1];
}
