import { FAULT_KEYS, type FaultRule, readFaultRules } from '@vaultover/contract';
import { type Clock, systemClock, type Timer } from '@vaultover/foundation';
import { createServerRedisClient } from '@vaultover/foundation/redis';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { FaultHitTally } from './fault-hit-tally.ts';
import { FaultMatcher } from './fault-matcher.ts';

/** The fallback reload: how often the rules are read again in case a change message was lost. */
export const FAULT_RELOAD_INTERVAL_MS = 1000;
/**
 * How long one command to the control Redis may take. A request a rule matches waits for its hit to be
 * counted there; past this it goes on unfaulted (a chaos tool must not add faults nobody asked for).
 */
export const FAULT_COMMAND_TIMEOUT_MS = 250;

export interface FaultRuleSetOptions {
  region: string;
  /** The control Redis, where the control process stores the rules. */
  redisUrl: string;
  /** Drives the fallback reload. */
  clock: Clock;
  logger: Logger;
  reloadIntervalMs?: number;
  commandTimeoutMs?: number;
}

/** What the region node shows of its rules (tests wait on `ruleIds`). */
export type FaultRulesView = Pick<FaultRuleSet, 'ruleIds' | 'reload' | 'flushHits'>;

/**
 * The fault rules of this region, as the control Redis holds them (docs/chaos.md): read at start, read
 * again at once on every message on `FAULT_KEYS.changes` (a subscriber connection of its own), and every
 * second on the clock in case a message was lost (while the subscriber reconnected). Each read is
 * compiled into a new FaultMatcher, swapped in whole, so a request sees one version of the rules.
 *
 * It also keeps whether the control Redis answers: a failed read or a failed hit (reported by the
 * injector) marks it unreachable, which is logged once, and faults are skipped until a read succeeds
 * again, so a control Redis that does not answer costs requests no wait at all after the first.
 */
export class FaultRuleSet {
  /** Commands: reading the rules, and counting hits (faultHit). */
  readonly redis: Redis;
  /** Hits of the rules this region decides alone, on their way to the control Redis. */
  readonly tally: FaultHitTally;
  readonly #subscriber: Redis;
  readonly #options: FaultRuleSetOptions;
  #matcher = FaultMatcher.EMPTY;
  #loading: Promise<void> | undefined;
  #again = false;
  #timer: Timer | undefined;
  #reachable = true;
  #closed = false;
  /** What was already logged about bad rules (the fallback reload meets them every second). */
  readonly #warned = new Set<string>();

  constructor(options: FaultRuleSetOptions) {
    this.#options = options;
    this.redis = createServerRedisClient(options.redisUrl, 'the control Redis', {
      enableAutoPipelining: true,
      connectTimeout: 2000,
      commandTimeout: options.commandTimeoutMs ?? FAULT_COMMAND_TIMEOUT_MS,
      // A command is never re-sent: the request it serves has gone on by then.
      maxRetriesPerRequest: 0,
    });
    // Batching is I/O, not simulated time: the tally runs on the real clock whatever dates the rules.
    this.tally = new FaultHitTally(this.redis, systemClock, (error) => this.markUnreachable(error));
    this.#subscriber = createServerRedisClient(options.redisUrl, 'the control Redis', {
      connectTimeout: 2000,
    });
    // Both reconnect on their own; a failure that matters reaches reload() or the injector, which log it
    // once. Unlistened, ioredis would print every reconnection attempt.
    this.redis.on('error', () => {});
    this.#subscriber.on('error', () => {});
    this.#subscriber.on('message', () => void this.reload());
    // Messages published while the subscriber was reconnecting are lost: read the rules once it is back.
    this.#subscriber.on('ready', () => void this.reload());
  }

  /** Subscribes, reads the rules once, and starts the fallback reload. Never throws: an unreachable control Redis is retried. */
  async start(): Promise<void> {
    this.#subscriber.subscribe(FAULT_KEYS.changes).catch((error: unknown) => {
      // Retried on reconnection (ioredis resubscribes), and the fallback reload covers the meantime.
      this.#options.logger.warn({ err: error }, 'could not subscribe to fault rule changes');
    });
    await this.reload();
    this.#timer = this.#options.clock.setInterval(
      () => void this.reload(),
      this.#options.reloadIntervalMs ?? FAULT_RELOAD_INTERVAL_MS,
    );
  }

  /** The compiled rules now in force. */
  get matcher(): FaultMatcher {
    return this.#matcher;
  }

  /** The ids of the rules in force in this region, oldest first. */
  get ruleIds(): string[] {
    return this.#matcher.rules.map((rule) => rule.id);
  }

  /** Writes the hits this region counted alone (the tally) to the control Redis now, not in a few ms. */
  flushHits(): Promise<void> {
    return this.tally.flush();
  }

  /** Whether the control Redis answered last time it was asked; while not, no rule is applied. */
  get reachable(): boolean {
    return this.#reachable;
  }

  /** Reads the rules now. Reads already running are not doubled: one more follows them, which sees every change. */
  reload(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    if (this.#loading) {
      this.#again = true;
      return this.#loading;
    }
    this.#loading = (async () => {
      do {
        this.#again = false;
        await this.#load();
      } while (this.#again && !this.#closed);
    })().finally(() => {
      this.#loading = undefined;
    });
    return this.#loading;
  }

  /**
   * The control Redis failed a command: logged once, and faults are off until a read succeeds. The
   * command connection starts afresh: a command that timed out may still get its reply, which ioredis
   * would hand to the next command (and one a partition swallowed never gets one, so every later reply
   * would be off by one).
   */
  markUnreachable(error: unknown): void {
    if (!this.#reachable) return;
    this.#reachable = false;
    this.redis.disconnect(true);
    this.#options.logger.warn(
      { err: error },
      'control Redis unreachable: fault rules are not applied until it answers again',
    );
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#timer?.cancel();
    await this.tally.close();
    this.#subscriber.disconnect();
    this.redis.disconnect();
  }

  async #load(): Promise<void> {
    let rules: FaultRule[];
    try {
      rules = await readFaultRules(this.redis);
    } catch (error) {
      // Not JSON: a rule written by hand past the control API. The rules in force stay.
      if (error instanceof SyntaxError) return this.#warnOnce('', error, 'a stored fault rule is not JSON');
      // Each failed read starts a fresh connection: one a partition left open may never answer again.
      if (!this.#reachable) this.redis.disconnect(true);
      this.markUnreachable(error);
      return;
    }
    if (this.#closed) return;
    this.#matcher = FaultMatcher.compile(rules, this.#options.region, (error) =>
      this.#warnOnce(error.ruleId, error, 'fault rule skipped'),
    );
    if (!this.#reachable) {
      this.#options.logger.info('control Redis answers again: fault rules applied');
      // The subscriber may have lost messages, or bytes of one, on a connection that never dropped:
      // it subscribes afresh (and its 'ready' reads the rules once more).
      this.#subscriber.disconnect(true);
    }
    this.#reachable = true;
  }

  #warnOnce(key: string, error: Error, message: string): void {
    const text = `${key}:${error.message}`;
    if (this.#warned.has(text)) return;
    this.#warned.add(text);
    this.#options.logger.warn({ err: error }, message);
  }
}
