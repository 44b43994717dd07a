import type { FaultRule, FaultRuleInput, FaultState } from '@vaultover/contract';

/** A fault rule as the control API shows it: as stored, with its live state and hits, times in ISO. */
export interface FaultRuleJson extends FaultRuleInput {
  readonly id: string;
  readonly state: FaultState;
  /** Requests the rule has hit, across every region. */
  readonly hits: number;
  readonly createdAt: string;
}

export function faultRuleJson(rule: FaultRule, state: FaultState, hits: number): FaultRuleJson {
  const { id, name, match, action, schedule, createdAt } = rule;
  return {
    id,
    name,
    ...(match ? { match } : {}),
    action,
    ...(schedule ? { schedule } : {}),
    state,
    hits,
    createdAt: new Date(createdAt).toISOString(),
  };
}
