/**
 * Where the failover state lives in the control Redis. The control process writes it; region nodes only
 * read it and renew their write lease, so this layout is the contract between the two.
 */
export const CONTROL_KEYS = {
  /**
   * Hash. `epoch`: bumped by every transition. `writer`: the one region allowed to accept writes, or
   * empty. `modes`: JSON object, region name → mode it must serve in. `state`: the control process's own
   * JSON record of the state machine (regions do not read it).
   */
  failover: 'vo:control:failover',
  /** String `<region>:<epoch>` with a TTL: the writer's lease. Gone means nobody may write. */
  lease: 'vo:control:lease',
  /** Pub/sub channel: a message (the new epoch) after every transition. */
  changes: 'vo:control:changes',
  /** Stream of events (transitions, probe flips, faults). */
  events: 'vo:control:events',
} as const;
