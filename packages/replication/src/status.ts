/** The state of a secondary's replication, as in Vault's replication status. */
export type ReplicationState = 'streaming' | 'resyncing' | 'disconnected' | 'idle';

/** Per-vault detail of the status. */
export interface VaultReplicationStatus {
  /** The primary's position of the vault, as last seen. */
  position: number;
  /** The secondary's checkpoint. */
  appliedPosition: number;
  /** 'stopped' after bad data: replication of this vault waits for an operator. */
  state: 'streaming' | 'resyncing' | 'stopped';
  lastError: string | null;
}

/**
 * The replication status of a secondary region, after HashiCorp Vault's replication status: the fields
 * tools and tests rely on (docs/design.md#change-entries-and-replication-streams). Positions are per
 * vault, so the region-wide `lastPosition`/`lastAppliedPosition` are sums over vaults (a count of changes);
 * times are ISO 8601, null until known; `lagSeconds` is the commit-time distance between the newest
 * change seen on the primary and the last applied one, over lagging vaults (0 when caught up).
 */
export interface ReplicationStatus {
  region: string;
  role: 'secondary';
  state: ReplicationState;
  lastPosition: number | null;
  lastCommitTime: string | null;
  lastAppliedPosition: number | null;
  lastAppliedTime: string | null;
  lagEntries: number | null;
  lagSeconds: number | null;
  link: 'up' | 'down';
  lastError: string | null;
  digests: Record<string, string>;
  /** Counters for metrics. */
  appliedTotal: number;
  resyncsTotal: number;
  vaults: Record<string, VaultReplicationStatus>;
}
