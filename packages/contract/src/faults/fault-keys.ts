/**
 * Where fault rules live in the control Redis. The control process writes the rules; region nodes read
 * them, and count matches and hits in one atomic step (fault-hit.ts), so that `times`, `skip` and
 * `perRequest` are exact across regions and concurrent requests.
 */
export const FAULT_KEYS = {
  /** Hash: rule id → the rule as JSON (FaultRule). */
  rules: 'vo:control:faults',
  /** Pub/sub channel: a message after every change of the rules; regions reload them at once. */
  changes: 'vo:control:faults:changed',
  /**
   * Hash of a rule's counters: `matches`, `hits`; and `expired` (epoch ms), set once by the control
   * process that records the rule's expiry, in the same step as its event. Removed with the rule.
   */
  counters: (id: string) => `vo:control:fault:${id}`,
  /** A logical request's attempts matched by a rule (for `perRequest`); expires on its own. */
  attempts: (id: string, requestId: string) => `vo:control:fault:${id}:req:${requestId}`,
} as const;

/** How long a logical request's attempt count is kept: longer than any client's retries take. */
export const FAULT_ATTEMPTS_TTL_MS = 10 * 60_000;
