import { CONTROL_KEYS } from '@vaultover/contract';
import type { Clock } from '@vaultover/foundation';
import type { Redis } from 'ioredis';

/** Kept events: the stream is trimmed to about this many. */
export const EVENTS_MAX_LENGTH = 10_000;

export type EventKind =
  /** The failover state machine moved (details: from, to, epoch, …). */
  | 'transition'
  /** The monitor's verdict on a region flipped (details: region, healthy, after). */
  | 'probe'
  /** A fault was injected or lifted through the control API (details: region, fault). */
  | 'fault'
  /** A manual control: failover/failback requested, monitor paused/resumed. */
  | 'control'
  /** A request-level fault rule was added, expired or removed (details: change, id, name). */
  | 'fault-rule'
  /** Something the orchestrator could not do, and why. */
  | 'warning';

export interface ControlEvent {
  /** Stream id: pass it back as `since` to read what came after. */
  id: string;
  time: string;
  kind: EventKind;
  details: Record<string, unknown>;
}

/** Every transition, probe flip and fault, in the control Redis (a stream: ordered, shared, bounded). */
export class EventLog {
  readonly #redis: Redis;
  readonly #clock: Clock;

  constructor(redis: Redis, clock: Clock) {
    this.#redis = redis;
    this.#clock = clock;
  }

  async append(kind: EventKind, details: Record<string, unknown>): Promise<void> {
    await this.#redis.xadd(
      CONTROL_KEYS.events,
      'MAXLEN',
      '~',
      EVENTS_MAX_LENGTH,
      '*',
      ...this.fields(kind, details),
    );
  }

  /** The stream fields of an event dated now, for a script that appends it in one step with a change. */
  fields(kind: EventKind, details: Record<string, unknown>): string[] {
    return [
      'time',
      new Date(this.#clock.now()).toISOString(),
      'kind',
      kind,
      'details',
      JSON.stringify(details),
    ];
  }

  /** Events after `since` (an {@link isEventId}; exclusive; all when absent), oldest first, at most `limit`. */
  async list(options: { since?: string; limit?: number } = {}): Promise<ControlEvent[]> {
    // Redis cannot start a range after its largest id, and nothing comes after it.
    if (options.since === LAST_EVENT_ID) return [];
    const start = options.since ? `(${options.since}` : '-';
    const entries = await this.#redis.xrange(CONTROL_KEYS.events, start, '+', 'COUNT', options.limit ?? 1000);
    return entries.map(([id, fields]) => toEvent(id, fields));
  }

  /** The newest `count` events, oldest first. */
  async recent(count: number): Promise<ControlEvent[]> {
    const entries = await this.#redis.xrevrange(CONTROL_KEYS.events, '+', '-', 'COUNT', count);
    return entries.reverse().map(([id, fields]) => toEvent(id, fields));
  }
}

const MAX_ID_PART = 2n ** 64n - 1n;
const LAST_EVENT_ID = `${MAX_ID_PART}-${MAX_ID_PART}`;

/**
 * Whether `text` is an id of the events' stream, `<ms>-<sequence>`, each part below 2^64 as Redis's are:
 * what a client passes as `since` is checked with it, since Redis refuses any other with an error.
 */
export function isEventId(text: string): boolean {
  const parts = /^(\d{1,20})-(\d{1,20})$/.exec(text);
  return (
    parts !== null && BigInt(parts[1] as string) <= MAX_ID_PART && BigInt(parts[2] as string) <= MAX_ID_PART
  );
}

/** Whether event id `a` comes after `b` in the stream (ids are `<ms>-<sequence>`). */
export function isAfter(a: string, b: string): boolean {
  const [aMs = 0, aSeq = 0] = a.split('-').map(Number);
  const [bMs = 0, bSeq = 0] = b.split('-').map(Number);
  return aMs === bMs ? aSeq > bSeq : aMs > bMs;
}

function toEvent(id: string, fields: string[]): ControlEvent {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i] as string, fields[i + 1] as string);
  return {
    id,
    time: map.get('time') ?? '',
    kind: (map.get('kind') ?? 'warning') as EventKind,
    details: JSON.parse(map.get('details') ?? '{}') as Record<string, unknown>,
  };
}
