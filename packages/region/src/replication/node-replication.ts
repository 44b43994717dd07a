import type { ReplicationStatus } from '@vaultover/replication';

/**
 * `GET /replication/status` of a region node: exactly the fields of
 * docs/design.md#change-entries-and-replication-streams (the replicator's status without its counters
 * and per-vault detail), so that tools and tests can rely on them. Fields that do not apply to the
 * node's role are null (a primary applies nothing and has no link to watch; a secondary has no link
 * until configured with a primary).
 */
export type NodeReplicationStatus = Omit<
  ReplicationStatus,
  'role' | 'link' | 'appliedTotal' | 'resyncsTotal' | 'vaults'
> & {
  role: 'primary' | 'secondary';
  link: 'up' | 'down' | null;
};

/**
 * The summary inside `/health`: positions included, so that a health monitor knows, from its last good
 * probe of each region, how many changes a failover would leave behind (RPO).
 */
export type ReplicationSummary = Omit<NodeReplicationStatus, 'region' | 'role' | 'lastError' | 'digests'>;

/** The replication side of a region node, whatever its role. */
export interface NodeReplication {
  /** `digests: false` skips the per-vault digests (a scan of every vault): for `/health` and metrics. */
  status(options: { digests: boolean }): Promise<NodeReplicationStatus>;
  close(): Promise<void>;
}

/** The `/health` summary of a status. */
export function summaryOf(status: NodeReplicationStatus): ReplicationSummary {
  const { region: _region, role: _role, lastError: _lastError, digests: _digests, ...summary } = status;
  return summary;
}
