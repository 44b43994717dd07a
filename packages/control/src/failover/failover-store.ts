import { readFileSync } from 'node:fs';
import { CONTROL_KEYS } from '@vaultover/region';
import type { Redis } from 'ioredis';
import { EVENTS_MAX_LENGTH, type EventKind } from '../events/event-log.ts';
import {
  assignedModes,
  FAILOVER_STATES,
  type FailoverRecord,
  type FailoverState,
  writerOf,
} from './failover-state.ts';

const TRANSITION = readFileSync(new URL('./lua/transition.lua', import.meta.url), 'utf8');

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
    await this.#write('', initial, event);
    const state = await this.load();
    if (!state) throw new CorruptFailoverStateError('it vanished right after it was written');
    return state;
  }

  /** Moves from `from` (its epoch must still be current) to `to`; false when someone else moved first. */
  async transition(from: FailoverState, to: FailoverState, event: TransitionEvent): Promise<boolean> {
    return this.#write(String(from.epoch), to, event);
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

  async #write(expectedEpoch: string, to: FailoverState, event: TransitionEvent): Promise<boolean> {
    const [moved] = (await this.#redis.eval(
      TRANSITION,
      2,
      CONTROL_KEYS.failover,
      CONTROL_KEYS.events,
      expectedEpoch,
      String(to.epoch),
      writerOf(to) ?? '',
      JSON.stringify(assignedModes(to)),
      JSON.stringify(to),
      new Date(event.time).toISOString(),
      event.kind,
      JSON.stringify(event.details),
      CONTROL_KEYS.changes,
      String(EVENTS_MAX_LENGTH),
    )) as [number, string];
    return moved === 1;
  }
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

const RECORD_TIMES = ['detectedAt', 'startedAt', 'servingAt', 'failbackStartedAt', 'endedAt'] as const;

function parseRecord(value: unknown, where: string): FailoverRecord {
  if (!value || typeof value !== 'object')
    throw new CorruptFailoverStateError(`${where} is not a failover record`);
  const record: Record<string, unknown> = { ...value };
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
