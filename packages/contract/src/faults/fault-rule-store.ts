import type { Redis } from 'ioredis';
import { FAULT_KEYS } from './fault-keys.ts';
import type { FaultRule } from './fault-rule.ts';

/** Every stored rule, oldest first (the order in which their terminal actions are tried). */
export async function readFaultRules(redis: Redis): Promise<FaultRule[]> {
  const stored = await redis.hvals(FAULT_KEYS.rules);
  return stored
    .map((text) => JSON.parse(text) as FaultRule)
    .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
}

/** Stores a rule, with fresh counters, and tells the regions. */
export async function storeFaultRule(redis: Redis, rule: FaultRule): Promise<void> {
  await redis
    .multi()
    .del(FAULT_KEYS.counters(rule.id))
    .hset(FAULT_KEYS.rules, rule.id, JSON.stringify(rule))
    .publish(FAULT_KEYS.changes, rule.id)
    .exec();
}

/**
 * Removes rules and their counters (their attempts keys expire on their own), and tells the regions.
 * Resolves with the ids this call removed: of two concurrent removals of a rule, one gets it.
 */
export async function removeFaultRules(redis: Redis, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const transaction = redis.multi();
  for (const id of ids) transaction.hdel(FAULT_KEYS.rules, id);
  const results = await transaction
    .del(...ids.map((id) => FAULT_KEYS.counters(id)))
    .publish(FAULT_KEYS.changes, ids.join(','))
    .exec();
  return ids.filter((_id, index) => results?.[index]?.[1] === 1);
}
