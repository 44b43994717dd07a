import { CONTROL_KEYS, writeFailoverState } from '@vaultover/contract';
import { CodedError } from '@vaultover/foundation';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { EVENTS_MAX_LENGTH, type EventKind } from '../events/event-log.ts';
import {
  assignedModes,
  FAILOVER_STATES,
  type FailoverRecord,
  type FailoverState,
  latestFailover,
  writerOf,
} from './failover-state.ts';
import {
  type TransitionEvent,
  type TransitionEventOf,
  type TransitionListener,
  type TransitionPayloads,
  transitionDetails,
} from './transition-events.ts';
import {
  checkTransition,
  type FromOf,
  IllegalTransitionError,
  type StateIn,
  type ToOf,
  type TransitionName,
} from './transition-table.ts';

/** The failover record in the control Redis could not be read. */
export class CorruptFailoverStateError extends CodedError {
  readonly code = 'CorruptFailoverState';
  constructor(detail: string) {
    super(
      `The failover state in the control Redis (${CONTROL_KEYS.failover}) is not valid: ${detail}. ` +
        'Stop Vaultover and delete that key to start again from the normal state.',
    );
  }
}

/** The entry written to the control Redis event stream with a write of the state (wire shape). */
interface StreamEvent {
  /** Epoch ms; written as ISO. */
  time: number;
  kind: EventKind;
  details: Record<string, unknown>;
}

export interface FailoverStoreOptions {
  /** Where a transition listener's exception is reported (else a process warning). */
  logger?: Logger;
}

/**
 * The failover state in the control Redis: read, created once, and moved on by compare-and-set on the
 * epoch, together with its event and the fields region nodes read (writer, modes). `transition()` is the
 * only way the state moves: it allows exactly the moves of the transition table.
 */
export class FailoverStore {
  readonly #redis: Redis;
  readonly #logger: Logger | undefined;
  readonly #listeners = new Set<TransitionListener>();

  constructor(redis: Redis, options: FailoverStoreOptions = {}) {
    this.#redis = redis;
    this.#logger = options.logger;
  }

  async load(): Promise<FailoverState | undefined> {
    const text = await this.#redis.hget(CONTROL_KEYS.failover, 'state');
    return text === null ? undefined : parseState(text);
  }

  /**
   * Creates the state as `initial` unless a state exists (the first start of a deployment), with its
   * event `{ to, epoch }`; returns the state in force. A creation, not a transition: it never moves a state.
   */
  async ensure(initial: FailoverState): Promise<FailoverState> {
    await this.#write(null, initial, {
      time: initial.since,
      kind: 'transition',
      details: { to: initial.state, epoch: initial.epoch },
    });
    const state = await this.load();
    if (!state) throw new CorruptFailoverStateError('it vanished right after it was written');
    return state;
  }

  /**
   * Moves from `from` (its epoch must still be current) to `to` by the transition `name`, records the
   * move in the event stream, and tells this store's listeners. False when someone else moved first.
   * Throws IllegalTransitionError, writing nothing, for a move the transition table does not allow.
   */
  async transition<N extends TransitionName>(
    name: N,
    from: StateIn<FromOf<N>>,
    to: StateIn<ToOf<N>>,
    payload: TransitionPayloads[N],
  ): Promise<boolean> {
    const event = transitionEvent(name, from, to, payload);
    const moved = await this.#write(from.epoch, to, {
      time: event.at,
      kind: 'transition',
      details: transitionDetails(event),
    });
    if (moved) this.#emit(event);
    return moved;
  }

  /**
   * Calls `listener` after every `kind` transition made through this store (another control process's
   * moves are told to its own listeners). Returns the unsubscribe function.
   */
  on<N extends TransitionName>(kind: N, listener: TransitionListener<N>): () => void {
    return this.onAny((event) => {
      if (event.kind === kind) listener(event as unknown as TransitionEventOf<N>);
    });
  }

  /** Calls `listener` after every transition made through this store. Returns the unsubscribe function. */
  onAny(listener: (event: TransitionEvent) => void): () => void {
    const entry = listener as TransitionListener;
    this.#listeners.add(entry);
    return () => void this.#listeners.delete(entry);
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

  /** The move has happened whatever a listener does: its exception is reported, not thrown. */
  #emit(event: TransitionEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        if (this.#logger)
          this.#logger.error({ err: error, transition: event.kind }, 'a transition listener failed');
        else process.emitWarning(`a listener of the ${event.kind} transition failed: ${String(error)}`);
      }
    }
  }

  async #write(expectedEpoch: number | null, to: FailoverState, event: StreamEvent): Promise<boolean> {
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

/** The event of a move the table allows; IllegalTransitionError otherwise. */
function transitionEvent<N extends TransitionName>(
  name: N,
  from: FailoverState,
  to: FailoverState,
  payload: TransitionPayloads[N],
): TransitionEvent {
  checkTransition(name, from, to);
  const record = latestFailover(to);
  if (!record) {
    throw new IllegalTransitionError(
      name,
      from.state,
      to.state,
      'the state entered carries no failover record',
    );
  }
  const event = {
    ...payload,
    kind: name,
    from: from.state,
    to: to.state,
    epoch: to.epoch,
    at: to.since,
    record,
  };
  return { ...event, state: to } as TransitionEvent;
}

function parseState(text: string): FailoverState {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CorruptFailoverStateError((error as Error).message);
  }
  const candidate = value as Record<string, unknown> | null;
  if (
    !candidate ||
    typeof candidate !== 'object' ||
    !FAILOVER_STATES.includes(candidate.state as never) ||
    !Number.isInteger(candidate.epoch) ||
    typeof candidate.primary !== 'string' ||
    typeof candidate.secondary !== 'string'
  ) {
    throw new CorruptFailoverStateError('expected { state, epoch, primary, secondary, … }');
  }
  const state: Record<string, unknown> = { ...candidate, since: timeOf(candidate.since, 'since', false) };
  if (state.state === 'failing-over' || state.state === 'failing-back') {
    state.windowEndsAt = timeOf(candidate.windowEndsAt, 'windowEndsAt', false);
  }
  if (state.state === 'normal') {
    if (candidate.lastFailover !== null)
      state.lastFailover = parseRecord(candidate.lastFailover, 'lastFailover');
  } else {
    state.failover = parseRecord(candidate.failover, 'failover');
  }
  return state as unknown as FailoverState;
}

const RECORD_TIMES = [
  'detectedAt',
  'triggeredAt',
  'startedAt',
  'servingAt',
  'failbackStartedAt',
  'endedAt',
] as const;

function parseRecord(value: unknown, where: string): FailoverRecord {
  if (!value || typeof value !== 'object')
    throw new CorruptFailoverStateError(`${where} is not a failover record`);
  // Records written before `triggeredAt` existed have none.
  const record: Record<string, unknown> = { triggeredAt: null, ...value };
  for (const field of RECORD_TIMES) {
    record[field] = timeOf(record[field], `${where}.${field}`, field !== 'startedAt');
  }
  const rpo = record.rpo;
  if (rpo !== null) {
    if (!rpo || typeof rpo !== 'object')
      throw new CorruptFailoverStateError(`${where}.rpo is not an RPO report`);
    const lost = (rpo as { newestLostCommitTime?: unknown }).newestLostCommitTime;
    record.rpo = { ...rpo, newestLostCommitTime: timeOf(lost, `${where}.rpo.newestLostCommitTime`, true) };
  }
  return record as unknown as FailoverRecord;
}

/**
 * A persisted time in epoch ms. States written before the control process kept its times in epoch ms
 * hold ISO strings in the failover record: those are converted (the next transition writes them as ms).
 */
function timeOf(value: unknown, where: string, nullable: boolean): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (value === null && nullable) return null;
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isFinite(ms)) return ms;
  throw new CorruptFailoverStateError(
    `${where} is ${JSON.stringify(value)}, not a time in epoch milliseconds`,
  );
}
