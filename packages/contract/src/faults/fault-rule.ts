/**
 * A fault rule: which requests it matches, what it does to them, and when. The control process stores
 * rules in the control Redis (faults/fault-keys.ts) and every region node evaluates them on its own
 * requests, after authentication and once the request's operation is known (docs/chaos.md). The
 * fields are the control API's `POST /api/faults` body, a contract for users; times are milliseconds
 * here and ISO strings only on the wire.
 */

/** Which requests a rule applies to; every field is optional (absent: any). */
export interface FaultMatch {
  /** Region names, e.g. `westeurope`. */
  readonly regions?: readonly string[];
  /** Catalogue operation names, `*` wildcards (`Key*`), or the groups `read` and `write`. */
  readonly operations?: readonly string[];
  /** Vault names. */
  readonly vaults?: readonly string[];
  /** Principal names (the token's subject). */
  readonly principals?: readonly string[];
  /** HTTP methods, upper case. */
  readonly methods?: readonly string[];
}

export const FAULT_ACTION_TYPES = ['error', 'throttle', 'delay', 'reset', 'hang', 'drop-body'] as const;
export type FaultActionType = (typeof FAULT_ACTION_TYPES)[number];

/**
 * What a rule does to a request it hits. `delay` holds the request, then lets it go on; `drop-body` lets it
 * be served and cuts the answer; the others answer (or do not) in its place.
 */
export type FaultAction =
  /** An answer in the Key Vault error format; `retryAfter` seconds, absent: no Retry-After header. */
  | {
      readonly type: 'error';
      readonly status: number;
      readonly code: string;
      readonly message: string;
      readonly retryAfter?: number;
    }
  /** The real service's 429 (THROTTLED_BODY); Retry-After only when `retryAfter` is given. */
  | { readonly type: 'throttle'; readonly retryAfter?: number }
  /** Holds the request `ms` (plus up to `jitterMs`, seeded) before it goes on. */
  | { readonly type: 'delay'; readonly ms: number; readonly jitterMs?: number }
  /** Resets the TCP connection: no response at all. */
  | { readonly type: 'reset' }
  /** No response until the client gives up, or `maxMs` have passed (then the connection is closed). */
  | { readonly type: 'hang'; readonly maxMs?: number }
  /** The request is served; its headers and part of its body are sent, then the connection closes. */
  | { readonly type: 'drop-body' };

/** When a rule hits among the requests it matches. */
export interface FaultSchedule {
  /** Chance that a match is hit, 0–1. Default 1. */
  readonly probability?: number;
  /** Seed of the probability draws: the same seed and the same sequence of matches give the same hits. */
  readonly seed?: number;
  /** Hit at most this many times, then the rule expires. */
  readonly times?: number;
  /** Let the first this many matches through. */
  readonly skip?: number;
  /**
   * Hit only the first this many attempts of each logical request, recognised by its
   * `x-ms-client-request-id` (the Azure SDKs keep it across retries); later attempts go through.
   */
  readonly perRequest?: number;
  /** Active this long after the rule was added. Default 0. */
  readonly startAfterMs?: number;
  /** Active for this long, then expired. Absent: until removed (or `times` reached). */
  readonly durationMs?: number;
}

/** A rule as given to `POST /api/faults`. */
export interface FaultRuleInput {
  readonly name: string;
  readonly match?: FaultMatch;
  readonly action: FaultAction;
  readonly schedule?: FaultSchedule;
}

/** A rule as stored: its input, its id, and when it was added (epoch ms, control clock). */
export interface FaultRule extends FaultRuleInput {
  readonly id: string;
  readonly createdAt: number;
}

export const FAULT_STATES = ['scheduled', 'active', 'expired'] as const;
export type FaultState = (typeof FAULT_STATES)[number];

/** A rule's counters in the control Redis: requests it matched, and requests it hit. */
export interface FaultCounters {
  readonly matches: number;
  readonly hits: number;
}

/** When a rule is active: from `start` (epoch ms) until `end`, or without end (`undefined`). */
export function faultWindow(rule: FaultRule): { readonly start: number; readonly end: number | undefined } {
  const schedule = rule.schedule ?? {};
  const start = rule.createdAt + (schedule.startAfterMs ?? 0);
  return { start, end: schedule.durationMs === undefined ? undefined : start + schedule.durationMs };
}

/**
 * Whether a hit of `rule` depends on its counters: a `times`, a `skip`, a `perRequest`, a `probability`
 * below 1 or a delay's seeded jitter (each drawn from the match's number). Those are decided in the
 * control Redis in one atomic step (faultHit), exact across regions; any other rule hits every request
 * it matches inside its window, which a region decides alone and only counts (addFaultHits).
 */
export function decidedByCounters(rule: FaultRule): boolean {
  const schedule = rule.schedule ?? {};
  return (
    schedule.times !== undefined ||
    (schedule.skip ?? 0) > 0 ||
    schedule.perRequest !== undefined ||
    (schedule.probability ?? 1) < 1 ||
    (rule.action.type === 'delay' && (rule.action.jitterMs ?? 0) > 0)
  );
}

/** The state of `rule` at `now` (epoch ms), given how many times it has hit. */
export function faultState(rule: FaultRule, hits: number, now: number): FaultState {
  const schedule = rule.schedule ?? {};
  const { start, end } = faultWindow(rule);
  if (now < start) return 'scheduled';
  if (end !== undefined && now >= end) return 'expired';
  if (schedule.times !== undefined && hits >= schedule.times) return 'expired';
  return 'active';
}

/** The header every injected response carries: the ids of the rules that acted on it, comma-separated. */
export const FAULT_HEADER = 'x-vaultover-fault';

/** The real service's answer when a vault throttles a request (HTTP 429), word for word. */
export const THROTTLED_BODY = {
  error: {
    code: 'Throttled',
    message:
      'Request was not processed because too many requests were received. Reason: VaultRequestTypeLimitReached',
  },
} as const;
