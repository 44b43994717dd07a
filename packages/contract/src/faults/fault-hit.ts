import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { FAULT_ATTEMPTS_TTL_MS, FAULT_KEYS } from './fault-keys.ts';
import { type FaultCounters, type FaultRule, faultWindow } from './fault-rule.ts';

const FAULT_HIT = readFileSync(new URL('../lua/fault-hit.lua', import.meta.url), 'utf8');
const FAULT_HITS_ADD = readFileSync(new URL('../lua/fault-hits-add.lua', import.meta.url), 'utf8');

/** Whether a matched request is hit, and the rule's counters after it. */
export interface FaultHit extends FaultCounters {
  readonly hit: boolean;
}

/**
 * Counts one request that `rule` matched and decides, in one step in the control Redis
 * (lua/fault-hit.lua), whether it is hit: inside the rule's window, under `times`, past `skip`, within
 * `perRequest` attempts of its logical request (`requestId`), and drawn under `probability`.
 */
export async function faultHit(
  redis: Redis,
  rule: FaultRule,
  requestId: string | undefined,
  now: number,
): Promise<FaultHit> {
  const schedule = rule.schedule ?? {};
  const { start, end } = faultWindow(rule);
  const perRequest = schedule.perRequest !== undefined && requestId !== undefined;
  const keys = [
    FAULT_KEYS.counters(rule.id),
    ...(perRequest ? [FAULT_KEYS.attempts(rule.id, requestId)] : []),
  ];
  const [hit, hits, matches] = (await redis.eval(
    FAULT_HIT,
    keys.length,
    ...keys,
    String(now),
    String(start),
    end === undefined ? '' : String(end),
    schedule.times === undefined ? '' : String(schedule.times),
    String(schedule.skip ?? 0),
    String(schedule.probability ?? 1),
    String(schedule.seed ?? 0),
    perRequest ? String(schedule.perRequest) : '',
    String(FAULT_ATTEMPTS_TTL_MS),
  )) as [number, number, number];
  return { hit: hit === 1, hits, matches };
}

/**
 * Adds hits that regions decided alone (rules not decidedByCounters: every match inside the window is a
 * hit) to their rules' counters, in one round trip (lua/fault-hits-add.lua); rules removed since are
 * skipped.
 */
export async function addFaultHits(redis: Redis, hits: ReadonlyMap<string, number>): Promise<void> {
  if (hits.size === 0) return;
  const ids = [...hits.keys()];
  await redis.eval(
    FAULT_HITS_ADD,
    ids.length + 1,
    FAULT_KEYS.rules,
    ...ids.map((id) => FAULT_KEYS.counters(id)),
    ...ids,
    ...ids.map((id) => String(hits.get(id))),
  );
}

/** The counters of every rule in `ids`, in one round trip; absent counters read as zero. */
export async function faultCounters(
  redis: Redis,
  ids: readonly string[],
): Promise<Map<string, FaultCounters>> {
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.hmget(FAULT_KEYS.counters(id), 'matches', 'hits');
  const replies = (await pipeline.exec()) ?? [];
  return new Map(
    ids.map((id, i) => {
      const [error, values] = replies[i] ?? [null, []];
      if (error) throw error;
      const [matches, hits] = (values as (string | null)[]) ?? [];
      return [id, { matches: Number(matches ?? 0), hits: Number(hits ?? 0) }];
    }),
  );
}
