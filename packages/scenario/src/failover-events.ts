/**
 * The failover states a step can wait for or start after (`after: failed-over + 2s`,
 * `wait: { state: normal }`): the control process's FAILOVER_STATES. The scenario package may not import
 * control (docs/architecture.md), so the list is repeated here and a test in packages/cli holds the two
 * equal.
 */
export const FAILOVER_EVENTS = ['normal', 'failing-over', 'failed-over', 'failing-back'] as const;
export type FailoverEvent = (typeof FAILOVER_EVENTS)[number];

export function isFailoverEvent(name: string): name is FailoverEvent {
  return (FAILOVER_EVENTS as readonly string[]).includes(name);
}
