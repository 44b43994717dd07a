import { rpoReportJson } from './failover-json.ts';
import type { FailoverRecord, RpoReport } from './failover-state.ts';
import type { FromOf, StateIn, ToOf, TransitionName } from './transition-table.ts';

/** What each transition carries besides its states: the caller of `transition()` supplies it. */
export interface TransitionPayloads {
  'failover-started': { reason: string; forced: boolean };
  promoted: { rpo: RpoReport };
  'failback-started': { reason: string; forced: boolean };
  /** Why failback was given up (the primary is behind the secondary). */
  'failback-aborted': { reason: string };
  'failed-back': { recoveredChanges: number };
}

/** The event of one named transition, emitted once by the control process whose move won. */
export type TransitionEventOf<N extends TransitionName> = {
  readonly kind: N;
  readonly from: FromOf<N>;
  readonly to: ToOf<N>;
  /** The epoch the move entered. */
  readonly epoch: number;
  /** When the state moved (epoch ms, control clock): the new state's `since`. */
  readonly at: number;
  /** The failover this move belongs to, as it stands after the move. */
  readonly record: FailoverRecord;
  /** The state entered. */
  readonly state: StateIn<ToOf<N>>;
} & Readonly<TransitionPayloads[N]>;

/** Any transition's event, discriminated by `kind` (the transition's name). */
export type TransitionEvent = { [N in TransitionName]: TransitionEventOf<N> }[TransitionName];

export type TransitionListener<N extends TransitionName = TransitionName> = (
  event: TransitionEventOf<N>,
) => void;

/**
 * The `details` of the `transition` entry in the control Redis event stream (`GET /api/events`): the same
 * wire shape as before transitions had names — `{ from, to, epoch }` and what the move carries, ISO times.
 */
export function transitionDetails(event: TransitionEvent): Record<string, unknown> {
  const moved = { from: event.from, to: event.to, epoch: event.epoch };
  switch (event.kind) {
    case 'failover-started':
    case 'failback-started':
      return { ...moved, reason: event.reason, forced: event.forced };
    case 'promoted':
      return { ...moved, rpo: rpoReportJson(event.rpo) };
    case 'failback-aborted':
      return { ...moved, aborted: event.reason };
    case 'failed-back':
      return { ...moved, recoveredChanges: event.recoveredChanges };
  }
}
