import { randomBytes, randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  CONTROL_KEYS,
  FAULT_KEYS,
  type FaultRule,
  faultCounters,
  faultState,
  readFaultRules,
  removeFaultRules,
  storeFaultRule,
} from '@vaultover/contract';
import type { Clock } from '@vaultover/foundation';
import { NotFoundError } from '@vaultover/vault';
import type { Redis } from 'ioredis';
import { EVENTS_MAX_LENGTH, type EventLog } from '../events/event-log.ts';
import { type FaultInputContext, parseFaultRuleInput } from './fault-input.ts';
import { type FaultRuleJson, faultRuleJson } from './fault-rule-json.ts';

const FAULT_EXPIRED = readFileSync(new URL('./lua/fault-expired.lua', import.meta.url), 'utf8');

/** Seeds drawn for rules that give none: small enough to type back into a rule. */
const SEED_LIMIT = 2 ** 31;

export interface FaultRulesOptions {
  redis: Redis;
  events: EventLog;
  clock: Clock;
  /** The deployment's regions and principals, which a rule's match may name. */
  context: () => FaultInputContext;
}

/**
 * The control side of request-level fault rules (docs/chaos.md): adds, lists and removes them in the
 * control Redis through the contract's store, and records each addition, expiry and removal as a
 * `fault-rule` event. Region nodes evaluate the rules; this side only reads their counters.
 */
export class FaultRules {
  readonly #redis: Redis;
  readonly #events: EventLog;
  readonly #clock: Clock;
  readonly #context: () => FaultInputContext;
  /** Rules whose expiry this process has seen recorded (by itself or another control process). */
  readonly #recorded = new Set<string>();

  constructor(options: FaultRulesOptions) {
    this.#redis = options.redis;
    this.#events = options.events;
    this.#clock = options.clock;
    this.#context = options.context;
  }

  /** Checks `body` (a BadParameter naming the first bad field), stores the rule and returns it. */
  async add(body: unknown): Promise<FaultRuleJson> {
    const input = parseFaultRuleInput(body, this.#context());
    const rule: FaultRule = {
      id: randomBytes(5).toString('hex'),
      name: input.name,
      match: input.match ?? {},
      action: input.action,
      // A seed is always stored, so that the rule's decisions can be replayed with the same one.
      schedule: { ...input.schedule, seed: input.schedule?.seed ?? randomInt(SEED_LIMIT) },
      createdAt: this.#clock.now(),
    };
    await storeFaultRule(this.#redis, rule);
    await this.#events.append('fault-rule', { change: 'added', id: rule.id, name: rule.name });
    return faultRuleJson(rule, faultState(rule, 0, rule.createdAt), 0);
  }

  /** Every rule, oldest first, with its hits and state now (one pipelined read of every counter). */
  async list(): Promise<FaultRuleJson[]> {
    const rules = await readFaultRules(this.#redis);
    return this.#withCounters(rules);
  }

  async get(id: string): Promise<FaultRuleJson> {
    const [json] = await this.#withCounters([await this.#find(id)]);
    return json as FaultRuleJson;
  }

  async remove(id: string): Promise<void> {
    const rule = await this.#find(id);
    const [removed] = await removeFaultRules(this.#redis, [rule.id]);
    // Another request removed it between the read and the removal: it says so, and this one is a 404.
    if (removed === undefined) throw notFound(id);
    await this.#removed([rule]);
  }

  async removeAll(): Promise<void> {
    const rules = await readFaultRules(this.#redis);
    const removed = new Set(
      await removeFaultRules(
        this.#redis,
        rules.map((rule) => rule.id),
      ),
    );
    await this.#removed(rules.filter((rule) => removed.has(rule.id)));
  }

  /**
   * Records, once, the expiry of every rule that has expired (its `times` hit or its `durationMs` over):
   * run periodically by every control process; the script makes it once across all of them.
   */
  async recordExpiries(): Promise<void> {
    const rules = await readFaultRules(this.#redis);
    const present = new Set(rules.map((rule) => rule.id));
    for (const id of this.#recorded) if (!present.has(id)) this.#recorded.delete(id);
    const pending = rules.filter((rule) => !this.#recorded.has(rule.id));
    if (pending.length === 0) return;
    const counters = await faultCounters(
      this.#redis,
      pending.map((rule) => rule.id),
    );
    const now = this.#clock.now();
    for (const rule of pending) {
      if (faultState(rule, counters.get(rule.id)?.hits ?? 0, now) !== 'expired') continue;
      const fields = this.#events.fields('fault-rule', { change: 'expired', id: rule.id, name: rule.name });
      await this.#redis.eval(
        FAULT_EXPIRED,
        3,
        FAULT_KEYS.rules,
        FAULT_KEYS.counters(rule.id),
        CONTROL_KEYS.events,
        rule.id,
        String(now),
        String(EVENTS_MAX_LENGTH),
        ...fields,
      );
      this.#recorded.add(rule.id);
    }
  }

  async #find(id: string): Promise<FaultRule> {
    const text = await this.#redis.hget(FAULT_KEYS.rules, id);
    if (text === null) throw notFound(id);
    return JSON.parse(text) as FaultRule;
  }

  async #withCounters(rules: readonly FaultRule[]): Promise<FaultRuleJson[]> {
    if (rules.length === 0) return [];
    const counters = await faultCounters(
      this.#redis,
      rules.map((rule) => rule.id),
    );
    const now = this.#clock.now();
    return rules.map((rule) => {
      const hits = counters.get(rule.id)?.hits ?? 0;
      return faultRuleJson(rule, faultState(rule, hits, now), hits);
    });
  }

  async #removed(rules: readonly FaultRule[]): Promise<void> {
    for (const rule of rules) {
      await this.#events.append('fault-rule', { change: 'removed', id: rule.id, name: rule.name });
    }
  }
}

function notFound(id: string): NotFoundError {
  return new NotFoundError('FaultNotFound', `No fault rule has the id ${id.slice(0, 60)}.`);
}
