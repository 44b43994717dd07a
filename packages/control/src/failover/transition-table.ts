import { CodedError } from '@vaultover/foundation';
import type { FailoverState, FailoverStateName } from './failover-state.ts';

/** One move the failover state machine allows. */
export interface TransitionSpec {
  readonly from: FailoverStateName;
  readonly to: FailoverStateName;
  /** Why the machine makes this move, in one line (docs/control-api.md, "State", says the same). */
  readonly why: string;
}

/**
 * Every move of the failover state machine, by name; nothing else may happen to the state (the first
 * `normal` is created, not moved into). Each move bumps the epoch by one. docs/control-api.md ("State")
 * lists the same moves, and a test holds the two together.
 */
export const TRANSITION_TABLE = {
  'failover-started': {
    from: 'normal',
    to: 'failing-over',
    why: 'The primary failed its health checks, or POST /api/failover: the failover window starts.',
  },
  promoted: {
    from: 'failing-over',
    to: 'failed-over',
    why: 'The window ended and the old writer lost its lease: the secondary serves read-only.',
  },
  'failback-started': {
    from: 'failed-over',
    to: 'failing-back',
    why: 'The primary is healthy again after minFailedOverMs failed over, or POST /api/failback: the failback window starts.',
  },
  'failback-aborted': {
    from: 'failing-back',
    to: 'failed-over',
    why: 'The window ended with the primary unhealthy, unknown to the monitor or behind the secondary: the secondary serves on.',
  },
  'failed-back': {
    from: 'failing-back',
    to: 'normal',
    why: 'The window ended with the primary healthy and holding every change the secondary applied: it writes again.',
  },
} as const satisfies Record<string, TransitionSpec>;

export type TransitionName = keyof typeof TRANSITION_TABLE;
export const TRANSITION_NAMES = Object.keys(TRANSITION_TABLE) as readonly TransitionName[];

/** The state a named transition leaves. */
export type FromOf<N extends TransitionName> = (typeof TRANSITION_TABLE)[N]['from'];
/** The state a named transition enters. */
export type ToOf<N extends TransitionName> = (typeof TRANSITION_TABLE)[N]['to'];
/** The failover state while the machine is in `S`. */
export type StateIn<S extends FailoverStateName> = Extract<FailoverState, { state: S }>;

/** The transition from `from` to `to`, or undefined when the machine does not allow that move. */
export function transitionBetween(
  from: FailoverStateName,
  to: FailoverStateName,
): TransitionName | undefined {
  return TRANSITION_NAMES.find(
    (name) => TRANSITION_TABLE[name].from === from && TRANSITION_TABLE[name].to === to,
  );
}

/** A move the transition table does not allow; nothing was written. */
export class IllegalTransitionError extends CodedError {
  readonly code = 'IllegalTransition';
  readonly transition: string;
  readonly from: string;
  readonly to: string;

  constructor(transition: string, from: string, to: string, detail: string) {
    super(`Illegal failover transition ${transition} (${from} → ${to}): ${detail}.`);
    this.transition = transition;
    this.from = from;
    this.to = to;
  }
}

/**
 * Throws IllegalTransitionError unless `name` is in the table, moves from its `from` state to its `to`
 * state, and bumps the epoch by one.
 */
export function checkTransition(name: string, from: FailoverState, to: FailoverState): TransitionName {
  const spec = Object.hasOwn(TRANSITION_TABLE, name) ? TRANSITION_TABLE[name as TransitionName] : undefined;
  if (!spec) {
    const allowed = transitionBetween(from.state, to.state);
    throw new IllegalTransitionError(
      name,
      from.state,
      to.state,
      `there is no such transition${allowed ? ` (that move is ${allowed})` : ''}`,
    );
  }
  if (spec.from !== from.state || spec.to !== to.state) {
    const allowed = transitionBetween(from.state, to.state);
    throw new IllegalTransitionError(
      name,
      from.state,
      to.state,
      allowed
        ? `${name} moves ${spec.from} → ${spec.to}; this move is ${allowed}`
        : `the failover state machine never moves ${from.state} → ${to.state}`,
    );
  }
  if (to.epoch !== from.epoch + 1) {
    throw new IllegalTransitionError(
      name,
      from.state,
      to.state,
      `every transition bumps the epoch by one (${from.epoch} → ${from.epoch + 1}), not to ${to.epoch}`,
    );
  }
  return name as TransitionName;
}
