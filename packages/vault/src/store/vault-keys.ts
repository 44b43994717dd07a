/**
 * The Redis key layout of a vault. Every key of a vault carries the hash tag `{vault}`, so that a
 * vault lives in one Redis Cluster slot and its Lua scripts stay single-slot.
 *
 * Keys inside a vault have a *relative* name (`o:secret:db-password`); change entries carry relative
 * names, so that a region can apply them under its own prefix.
 */
export const KEY_PREFIX = 'vo';

export function vaultPrefix(vault: string): string {
  return `${KEY_PREFIX}:{${vault}}:`;
}

/** Relative names of the keys inside one vault. */
export const rel = {
  /**
   * Hash of one object: `head` → latest version id, `v:<version>` → version document, `deleted` →
   * deletion info, `settles` → when its last delete or recover shows (propagation.ts), `a:<slot>` → a
   * side document of the object (e.g. a key's rotation policy).
   */
  object: (kind: string, name: string) => `o:${kind}:${name}`,
  /** Sorted set (lexicographic) of live object names of a kind. */
  live: (kind: string) => `i:${kind}`,
  /** Sorted set (lexicographic) of soft-deleted object names of a kind. */
  deleted: (kind: string) => `d:${kind}`,
  /** String: the vault's properties document. */
  properties: () => 'props',
  /** Hash of the vault's certificate issuers: issuer name → issuer document (its password sealed). */
  issuers: () => 'issuers',
  /** Hash holding the vault's certificate contacts, under the field `doc`. */
  contacts: () => 'contacts',
} as const;

/** Absolute keys of a vault's change log and its position counter. */
export function logKeys(vault: string): { stream: string; position: string } {
  const prefix = vaultPrefix(vault);
  return { stream: `${prefix}log`, position: `${prefix}pos` };
}

/**
 * The region's change notices: a stream with one entry per commit, fields `vault`, `position` and `t`
 * (commit time), appended by the commit script in the same atomic step as the vault's own entry.
 * Replicators block on this one stream and read a vault's own stream only when it has something new,
 * so their cost follows the writes, not the number of vaults. A stream rather than pub/sub: its ids
 * let a reader resume where it stopped, and a reply lost on the way (a partition that swallows bytes)
 * shows as a read that never answers, not as silence. It has no hash tag: it spans every vault.
 */
export const CHANGE_NOTICES_KEY = `${KEY_PREFIX}:repl:changes`;

/**
 * Where a commit's result is kept for a while under its idempotency key (`Mutation.id`), so that the
 * same commit sent again answers the first run's result. It carries the vault's hash tag (the commit
 * script stays single-slot) but not the vault's prefix: it is no vault state, so the scans of
 * `vo:{<vault>}:*` (replication's digests and snapshots, the vault purge) never see it, like the
 * throttle's windows.
 */
export function commitResultKey(vault: string, id: string): string {
  return `${KEY_PREFIX}:commit:{${vault}}:${id}`;
}
