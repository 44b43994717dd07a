import type { ReplicationState } from '@vaultover/replication';

/**
 * `GET /replication/status` of a region node: exactly the fields issue 4 names, so that tools and tests
 * can rely on them. Fields that do not apply to the node's role are null (a primary applies nothing and
 * has no link to watch; a secondary has no link until configured with a primary).
 */
export interface NodeReplicationStatus {
  region: string;
  role: 'primary' | 'secondary';
  state: ReplicationState;
  lastPosition: number | null;
  lastCommitTime: string | null;
  lastAppliedPosition: number | null;
  lastAppliedTime: string | null;
  lagEntries: number | null;
  lagSeconds: number | null;
  link: 'up' | 'down' | null;
  lastError: string | null;
  digests: Record<string, string>;
}

/** The summary inside `/health`. */
export type ReplicationSummary = Pick<NodeReplicationStatus, 'state' | 'link' | 'lagEntries' | 'lagSeconds'>;

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
