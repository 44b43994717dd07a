import { CONTROL_KEYS, writeFailoverState } from '@vaultover/contract';
import type { Redis } from 'ioredis';
import { EVENTS_MAX_LENGTH, type EventKind } from '../events/event-log.ts';
import { assignedModes, FAILOVER_STATES, type FailoverState, writerOf } from './failover-state.ts';

/** The failover record in the control Redis could not be read. */
export class CorruptFailoverStateError extends Error {
  readonly code = 'CorruptFailoverState';
  constructor(detail: string) {
    super(
      `The failover state in the control Redis (${CONTROL_KEYS.failover}) is not valid: ${detail}. ` +
        'Stop Vaultover and delete that key to start again from the normal state.',
    );
  }
}

/** The event recorded with a transition. */
export interface TransitionEvent {
  time: number;
  kind: EventKind;
  details: Record<string, unknown>;
}

/**
 * The failover state in the control Redis: read, created once, and moved on by compare-and-set on the
 * epoch, together with its event and the fields region nodes read (writer, modes).
 */
export class FailoverStore {
  readonly #redis: Redis;

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  async load(): Promise<FailoverState | undefined> {
    const text = await this.#redis.hget(CONTROL_KEYS.failover, 'state');
    return text === null ? undefined : parseState(text);
  }

  /** Writes `initial` unless a state exists; returns the state in force. */
  async ensure(initial: FailoverState, event: TransitionEvent): Promise<FailoverState> {
    await this.#write(null, initial, event);
    const state = await this.load();
    if (!state) throw new CorruptFailoverStateError('it vanished right after it was written');
    return state;
  }

  /** Moves from `from` (its epoch must still be current) to `to`; false when someone else moved first. */
  async transition(from: FailoverState, to: FailoverState, event: TransitionEvent): Promise<boolean> {
    return this.#write(from.epoch, to, event);
  }

  async paused(): Promise<boolean> {
    return (await this.#redis.hget(CONTROL_KEYS.failover, 'paused')) === '1';
  }

  async setPaused(paused: boolean): Promise<void> {
    await this.#redis.hset(CONTROL_KEYS.failover, 'paused', paused ? '1' : '0');
  }

  /** Milliseconds left on the write lease; 0 when nobody holds it. */
  async leaseRemainingMs(): Promise<number> {
    return Math.max(0, await this.#redis.pttl(CONTROL_KEYS.lease));
  }

  async #write(expectedEpoch: number | null, to: FailoverState, event: TransitionEvent): Promise<boolean> {
    return writeFailoverState(this.#redis, {
      expectedEpoch,
      epoch: to.epoch,
      writer: writerOf(to),
      modes: assignedModes(to),
      state: JSON.stringify(to),
      event: { time: new Date(event.time).toISOString(), kind: event.kind, details: event.details },
      eventsMaxLength: EVENTS_MAX_LENGTH,
    });
  }
}

function parseState(text: string): FailoverState {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CorruptFailoverStateError((error as Error).message);
  }
  const candidate = value as Partial<FailoverState> | null;
  if (
    !candidate ||
    !FAILOVER_STATES.includes(candidate.state as never) ||
    !Number.isInteger(candidate.epoch) ||
    typeof candidate.primary !== 'string' ||
    typeof candidate.secondary !== 'string'
  ) {
    throw new CorruptFailoverStateError('expected { state, epoch, primary, secondary, … }');
  }
  return candidate as FailoverState;
}
