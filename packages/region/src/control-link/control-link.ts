import {
  type ControlLinkHealth,
  DEFAULT_LEASE_MS,
  type LeaseRenewal,
  type RegionMode,
  renewLease,
} from '@vaultover/contract';
import { type Clock, systemClock, type Timer } from '@vaultover/foundation';
import { createServerRedisClient } from '@vaultover/foundation/redis';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RegionModeControl } from '../mode/mode-gate.ts';

/** What the link drives: the region's mode gate. */
export type ModeTarget = Pick<RegionModeControl, 'state' | 'set' | 'setWriteFence'>;

export interface ControlLinkOptions {
  region: string;
  /** The control Redis (failover state and write lease). */
  redisUrl: string;
  target: ModeTarget;
  logger: Logger;
  /** How long a renewed lease lasts. Default DEFAULT_LEASE_MS. */
  leaseMs?: number;
  /** How often the lease is renewed and the assignment read. Default leaseMs / 4. */
  renewIntervalMs?: number;
  /** Default: the system clock. */
  clock?: Clock;
}

/**
 * The region's side of fencing: every `renewIntervalMs`, one script reads the region's assigned mode and
 * epoch from the control Redis and, when the region is the writer, renews its lease. Writes stop when the
 * lease runs out by this region's own monotonic clock, counted from the moment the renewal was SENT (so
 * the region's view always ends before the key's TTL in Redis), minus a tenth for timer lateness: the
 * control process waits for the key to expire before it promotes anyone, so the two never overlap.
 */
export class ControlLink {
  readonly #options: Required<Omit<ControlLinkOptions, 'clock'>>;
  #redis: Redis | undefined;
  readonly #clock: Clock;
  #timer: Timer | undefined;
  #fenceTimer: Timer | undefined;
  #leaseUntil = 0;
  #writer = false;
  #linkUp = false;
  #epoch: number | null = null;
  #closed = false;
  #sent = 0;
  #applied = 0;

  constructor(options: ControlLinkOptions) {
    const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.#clock = options.clock ?? systemClock;
    this.#options = { ...options, leaseMs, renewIntervalMs: options.renewIntervalMs ?? leaseMs / 4 };
    // Until the control Redis has told this region what to be, it serves nothing and writes nothing.
    options.target.setWriteFence({ kind: 'awaiting-lease' });
  }

  /** Reads the assignment once (bounded by the renew interval), then keeps renewing in the background. */
  async start(): Promise<void> {
    await this.#renew();
    this.#schedule();
  }

  /** Reads the assignment and renews the lease now (after a pushed mode change). */
  async renewNow(): Promise<void> {
    if (!this.#closed) await this.#renew();
  }

  status(): ControlLinkHealth {
    const remaining = this.#leaseUntil - this.#clock.monotonicNow();
    const held = this.#writer && remaining > 0;
    return {
      link: this.#linkUp ? 'up' : 'down',
      epoch: this.#epoch,
      lease: held ? 'held' : 'none',
      leaseRemainingMs: held ? Math.round(remaining) : null,
      writer: this.#writer,
    };
  }

  /** Whether the region is the assigned writer but cannot write (its lease ran out): it is unhealthy. */
  get leaseLost(): boolean {
    return this.#writer && this.#clock.monotonicNow() >= this.#leaseUntil;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#timer?.cancel();
    this.#fenceTimer?.cancel();
    this.#redis?.disconnect();
  }

  #schedule(): void {
    if (this.#closed) return;
    this.#timer = this.#clock.setTimeout(async () => {
      await this.#renew();
      this.#schedule();
    }, this.#options.renewIntervalMs);
  }

  async #renew(): Promise<void> {
    const sentAt = this.#clock.monotonicNow();
    // Renewals may overlap (a pushed change renews at once): only the latest sent may be applied.
    const sequence = ++this.#sent;
    try {
      const renewal = await renewLease(this.#client(), this.#options.region, this.#options.leaseMs);
      this.#linkUp = true;
      if (sequence < this.#applied) return;
      this.#applied = sequence;
      this.#apply(renewal, sentAt);
    } catch (error) {
      if (this.#linkUp) this.#options.logger.warn({ err: error }, 'control store unreachable');
      this.#linkUp = false;
      // A connection that timed out may still deliver the late reply to the next command: start afresh.
      this.#redis?.disconnect();
      this.#redis = undefined;
    }
  }

  #apply({ held, epoch, mode }: LeaseRenewal, sentAt: number): void {
    if (epoch === null) return; // no failover state yet: stay fenced until the control process writes it
    this.#epoch = epoch;
    if (mode && this.#isNewer(mode, epoch)) this.#options.target.set({ mode, epoch });
    this.#writer = held;
    if (!held) {
      this.#leaseUntil = 0;
      this.#options.target.setWriteFence({ kind: 'not-writer', epoch });
      return;
    }
    const leaseMs = this.#options.leaseMs;
    this.#leaseUntil = sentAt + leaseMs - leaseMs / 10;
    this.#options.target.setWriteFence(null);
    this.#fenceTimer?.cancel();
    this.#fenceTimer = this.#clock.setTimeout(
      () => this.#options.target.setWriteFence({ kind: 'lease-expired' }),
      this.#leaseUntil - this.#clock.monotonicNow(),
    );
  }

  /** Whether the assignment changes anything: the gate refuses older epochs, and a push may have come first. */
  #isNewer(mode: RegionMode, epoch: number): boolean {
    const current = this.#options.target.state;
    return epoch > current.epoch || (epoch === current.epoch && mode !== current.mode);
  }

  #client(): Redis {
    if (this.#redis) return this.#redis;
    this.#redis = createServerRedisClient(this.#options.redisUrl, 'the control Redis', {
      lazyConnect: false,
      connectTimeout: this.#options.renewIntervalMs,
      commandTimeout: this.#options.renewIntervalMs,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: true,
      retryStrategy: () => null,
    });
    // Once per connection: #renew asks for the client every interval. Errors reach #renew through
    // renewLease, which logs the link going down; unlistened, ioredis would print each one.
    this.#redis.on('error', () => {});
    return this.#redis;
  }
}
