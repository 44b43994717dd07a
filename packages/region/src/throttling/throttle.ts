import { randomBytes } from 'node:crypto';
import { type Clock, systemClock } from '@vaultover/foundation';
import type { RedisClient } from '@vaultover/foundation/redis';
import {
  KEY,
  loadLua,
  type OperationName,
  scriptDefiner,
  vaultPrefix,
  vaultRelativeKeys,
} from '@vaultover/vault';
import { type ClassPlan, type ThrottleClass, throttleClassOf, throttlePlan } from './throttle-plan.ts';
import { THROTTLE_WINDOW_MS, type ThrottleLimits } from './throttle-settings.ts';

type ThrottleRedis = RedisClient & {
  /** lua/throttle-window.lua: `numKeys, ...keys, ...args` → [admitted, weight, retryAt]. */
  throttleWindow(numKeys: number, ...keysAndArgs: (string | number)[]): Promise<[number, number, number]>;
};

const throttleRedis = scriptDefiner<ThrottleRedis>({
  throttleWindow: loadLua(new URL('./throttle-window.lua', import.meta.url)),
});

/**
 * A vault's throttling keys. They carry the vault's hash tag, so the window and the key the script reads
 * share one slot, but not the vault's prefix (`vo:{<vault>}:`): replication's digests and snapshots and
 * the vault purge scan that prefix, and a region's windows are its own, never vault state.
 */
export function throttleKeys(vault: string, cls: ThrottleClass): { window: string; sum: string } {
  const window = `vo:throttle:{${vault}}:${cls}`;
  return { window, sum: `${window}:sum` };
}

/** What the throttle needs to know of a request besides its operation. */
export interface ThrottledRequest {
  readonly vault: string;
  /** The key a key operation names (its path's `{name}`): the request weighs by its type and size. */
  readonly keyName?: string | undefined;
  /** The version in the path; absent or empty for the latest. */
  readonly keyVersion?: string | undefined;
  /** `KeyCreate`, `KeyImport`: whether the body asks for an HSM key. */
  readonly hsm?: boolean | undefined;
}

/** A throttle's answer about one request. */
export interface ThrottleDecision {
  readonly admitted: boolean;
  readonly class: ThrottleClass;
  /** What the request cost (admitted) or would have cost (refused), in its class's units. */
  readonly weight: number;
  /** Refused: the epoch ms at which the oldest admitted request leaves the window; 0 when admitted. */
  readonly retryAt: number;
}

export interface ThrottleOptions {
  /** The region's store. */
  readonly redis: RedisClient;
  readonly limits: ThrottleLimits;
  /** Real time, never the vault's simulated clock: a time shift must not refill or drain windows. */
  readonly clock?: Clock;
  /** Default THROTTLE_WINDOW_MS. */
  readonly windowMs?: number;
}

/**
 * Counts each vault's data-plane requests against the limits over a sliding window, one atomic script
 * (throttle-window.lua) per request in the region's Redis, so the count is exact across concurrent
 * requests. Throttling is per vault and per region: each region counts in its own Redis.
 */
export class Throttle {
  readonly #redis: ThrottleRedis;
  readonly #plan: Record<ThrottleClass, ClassPlan>;
  readonly #clock: Clock;
  readonly #windowMs: number;
  // Request ids: this process's random tag and a counter, unique among any window's members.
  readonly #tag = randomBytes(6).toString('base64url');
  #sequence = 0;

  constructor(options: ThrottleOptions) {
    this.#redis = throttleRedis(options.redis);
    this.#plan = throttlePlan(options.limits);
    this.#clock = options.clock ?? systemClock;
    this.#windowMs = options.windowMs ?? THROTTLE_WINDOW_MS;
  }

  /** Admits or refuses one request; undefined for an operation no class counts (the management plane). */
  async decide(operation: OperationName, request: ThrottledRequest): Promise<ThrottleDecision | undefined> {
    const cls = throttleClassOf(operation);
    if (!cls) return undefined;
    const plan = this.#plan[cls];
    const { window, sum } = throttleKeys(request.vault, cls);
    const weight = request.hsm ? plan.hsmWeight : plan.weight;
    const args = [this.#clock.now(), this.#windowMs, plan.budget, this.#nextId(), weight];
    // Key operations, and rotations (a key creation of the stored key's type), weigh by the key named.
    const byKey = request.keyName && (cls === 'key-ops' || operation === 'KeyRotate');
    const [admitted, cost, retryAt] = byKey
      ? await this.#redis.throttleWindow(
          3,
          window,
          sum,
          vaultPrefix(request.vault) + vaultRelativeKeys.object(KEY.id, request.keyName),
          ...args,
          request.keyVersion ?? '',
          ...plan.table,
        )
      : await this.#redis.throttleWindow(2, window, sum, ...args);
    return { admitted: admitted === 1, class: cls, weight: cost, retryAt };
  }

  #nextId(): string {
    this.#sequence = (this.#sequence + 1) % Number.MAX_SAFE_INTEGER;
    return `${this.#tag}${this.#sequence.toString(36)}`;
  }
}
