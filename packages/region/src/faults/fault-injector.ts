import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  decidedByCounters,
  FAULT_HEADER,
  type FaultAction,
  type FaultRule,
  faultHit,
  faultWindow,
} from '@vaultover/contract';
import { type Clock, seededRandom } from '@vaultover/foundation';
import type { OperationName } from '@vaultover/vault';
import type { RegionMetrics } from '../region-metrics.ts';
import { dropBody, hang, resetConnection, sendFaultError, sendThrottled } from './fault-actions.ts';
import type { FaultRequest } from './fault-matcher.ts';
import type { FaultRuleSet } from './fault-rule-set.ts';

/** A request a fault took over: the handler stops. `status` is what was answered; none when nothing was. */
export interface InjectedFault {
  readonly status?: number;
}

/**
 * Request-level fault rules as the request handlers of both planes see them (docs/chaos.md): after
 * authentication, once the operation is known, before the mode gate.
 */
export interface RequestFaults {
  /**
   * The rules that match `request`, oldest first, or undefined when none does: the hot path, with no
   * Redis round trip and no allocation (and without rules, one branch).
   */
  match(request: FaultRequest): FaultRule[] | undefined;
  /**
   * Decides and counts each of `rules` (in the control Redis when its hits depend on its counters, see
   * decidedByCounters; here otherwise) and applies those that hit: delays add up,
   * and the first terminal action that hits (error, throttle, reset, hang, drop-body) wins; the rules
   * after it are not counted. Undefined when the request goes on (delayed, or set up to lose its body).
   */
  inject(
    rules: readonly FaultRule[],
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<InjectedFault | undefined>;
}

/** Counts a request a fault took over in the request metrics, as its handler would have (none when unanswered). */
export function observeInjected(
  metrics: RegionMetrics,
  operation: OperationName,
  injected: InjectedFault,
  started: number,
): void {
  if (injected.status !== undefined)
    metrics.observe(operation, injected.status, (performance.now() - started) / 1000);
}

/** A region without a control process has no rules. */
export const NO_FAULTS: RequestFaults = {
  match: () => undefined,
  inject: async () => undefined,
};

/** The actions that end the rules' evaluation: every one but `delay`. */
type TerminalAction = Exclude<FaultAction, { type: 'delay' }>;

/**
 * Whether a matched request is hit, and its match's number among the rule's matches (what a seeded jitter
 * is drawn from; 0 for a rule the region decides alone, which has no jitter).
 */
interface Decision {
  readonly hit: boolean;
  readonly match: number;
}

const NOT_HIT: Decision = { hit: false, match: 0 };
const HIT_HERE: Decision = { hit: true, match: 0 };

/** The header by which the Azure SDKs name a logical request, kept across its retries (`perRequest`). */
const CLIENT_REQUEST_ID = 'x-ms-client-request-id';

export interface FaultInjectorOptions {
  rules: FaultRuleSet;
  /** Dates the hits (against the rules' windows) and times delays and hangs. */
  clock: Clock;
  metrics: RegionMetrics;
}

/** The rules of a region under a control process, applied to its requests. */
export class FaultInjector implements RequestFaults {
  readonly #rules: FaultRuleSet;
  readonly #clock: Clock;
  readonly #metrics: RegionMetrics;

  constructor(options: FaultInjectorOptions) {
    this.#rules = options.rules;
    this.#clock = options.clock;
    this.#metrics = options.metrics;
  }

  match(request: FaultRequest): FaultRule[] | undefined {
    return this.#rules.matcher.match(request);
  }

  async inject(
    rules: readonly FaultRule[],
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<InjectedFault | undefined> {
    const hits: FaultRule[] = [];
    let delayMs = 0;
    let terminal: TerminalAction | undefined;
    const requestId = header(req, CLIENT_REQUEST_ID);
    for (const rule of rules) {
      const hit = await this.#hit(rule, requestId);
      if (hit === 'unknown') break;
      if (!hit.hit) continue;
      hits.push(rule);
      this.#metrics.faultInjected(rule.id, rule.action.type);
      if (rule.action.type !== 'delay') {
        terminal = rule.action;
        break;
      }
      delayMs += rule.action.ms + jitter(rule, rule.action.jitterMs, hit.match);
    }
    if (hits.length === 0) return undefined;
    if (delayMs > 0 && !(await this.#delay(delayMs, res))) return {};
    // Every rule that acted on the request, in the order they did: the delays, then the terminal one.
    const ids = hits.map((rule) => rule.id).join(', ');
    // Set even when nothing will be answered (reset, hang): the request log reads it from the response.
    res.setHeader(FAULT_HEADER, ids);
    if (!terminal) return undefined;
    return this.#act(terminal, ids, req, res);
  }

  /**
   * Waits `ms` on the clock; false when the client left meanwhile (nobody is left to answer, and a delay
   * of minutes must not hold a closed connection's request, nor a stopping node, that long).
   */
  async #delay(ms: number, res: ServerResponse): Promise<boolean> {
    const gone = new AbortController();
    const onClose = () => gone.abort();
    res.once('close', onClose);
    try {
      await this.#clock.sleep(ms, gone.signal);
    } finally {
      res.off('close', onClose);
    }
    return !gone.signal.aborted;
  }

  /**
   * The hit of one rule: decided in the control Redis when it depends on the rule's counters, here
   * otherwise (and counted in the tally). 'unknown' when a rule decided by its counters cannot be, the
   * control Redis not answering (the request goes on unfaulted).
   */
  async #hit(rule: FaultRule, requestId: string | undefined): Promise<Decision | 'unknown'> {
    const now = this.#clock.now();
    // Needs nothing of the control Redis but the rule: applied even while it does not answer (its hits
    // are written once it does).
    if (!decidedByCounters(rule)) {
      const { start, end } = faultWindow(rule);
      if (now < start || (end !== undefined && now >= end)) return NOT_HIT;
      this.#rules.tally.add(rule.id);
      return HIT_HERE;
    }
    if (!this.#rules.reachable) {
      this.#metrics.faultsUnevaluated.inc();
      return 'unknown';
    }
    try {
      const hit = await faultHit(this.#rules.redis, rule, requestId, now);
      return { hit: hit.hit, match: hit.matches };
    } catch (error) {
      this.#rules.markUnreachable(error);
      this.#metrics.faultsUnevaluated.inc();
      return 'unknown';
    }
  }

  async #act(
    action: TerminalAction,
    ids: string,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<InjectedFault | undefined> {
    switch (action.type) {
      case 'error':
        sendFaultError(res, ids, action);
        return { status: action.status };
      case 'throttle':
        sendThrottled(res, ids, action.retryAfter);
        return { status: 429 };
      case 'reset':
        resetConnection(req);
        return {};
      case 'hang':
        await hang(res, this.#clock, action.maxMs);
        return {};
      case 'drop-body':
        dropBody(res, ids);
        return undefined;
    }
  }
}

/**
 * The seeded jitter of a delay: 0 to `jitterMs`, drawn from the rule's seed and the match's number in
 * the control Redis, so the same seed and the same sequence of matches give the same delays.
 */
export function jitter(rule: FaultRule, jitterMs: number | undefined, match: number): number {
  if (!jitterMs || jitterMs <= 0) return 0;
  const seed = (Math.imul((rule.schedule?.seed ?? 0) >>> 0, 0x9e3779b1) ^ match) >>> 0;
  return Math.floor(seededRandom(seed)() * (jitterMs + 1));
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
