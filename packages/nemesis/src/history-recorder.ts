import type { Clock } from '@vaultover/foundation';
import type { Operation, OperationKind } from '@vaultover/history';

/** What an answer said besides the outcome: the serving region and epoch, and what the operation saw. */
export type AnswerFields = Pick<Operation, 'region' | 'epoch' | 'value' | 'version' | 'versions' | 'result'>;

/** One operation under way: completed once, with what its client learnt. */
export interface Invocation {
  ok(fields: AnswerFields): void;
  /** The service said no: nothing happened. */
  fail(fields: AnswerFields): void;
  /** No answer, or one that leaves open whether it happened. */
  unknown(fields: AnswerFields): void;
}

/**
 * The history of a run as its clients saw it: each operation invoked, then completed once. Times are
 * the wall clock in ms, the clock the control process dates its failovers with.
 */
export class HistoryRecorder {
  readonly #clock: Clock;
  readonly #operations: Operation[] = [];
  #invoked = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  get operations(): readonly Operation[] {
    return this.#operations;
  }

  invoke(process: string, kind: OperationKind, key: string, value?: string): Invocation {
    const id = ++this.#invoked;
    const invokedAt = this.#clock.now();
    const base = { id, process, kind, key, value, invokedAt };
    let done = false;
    const complete = (outcome: Operation['outcome'], fields: AnswerFields) => {
      if (done) throw new Error(`operation #${id} completed twice`);
      done = true;
      const completedAt = outcome === 'unknown' ? undefined : this.#clock.now();
      this.#operations.push({ ...base, ...fields, value: fields.value ?? value, outcome, completedAt });
    };
    return {
      ok: (fields) => complete('ok', fields),
      fail: (fields) => complete('fail', fields),
      unknown: (fields) => complete('unknown', fields),
    };
  }
}
