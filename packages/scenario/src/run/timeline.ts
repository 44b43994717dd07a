import type { Clock, Timer } from '@vaultover/foundation';
import type { StepTrigger } from '../step-schema.ts';

/** A step as the timeline sees it: when, and what to do (the runner's part). */
export interface TimelineStep<Action> {
  /** Its position in the file, 0-based: the journal's and the report's name for it. */
  readonly index: number;
  /** An event name it emits once done, for `after:` triggers of other steps. */
  readonly id?: string | undefined;
  readonly trigger: StepTrigger;
  readonly action: Action;
}

/** How a step went. */
export type StepOutcome =
  | { readonly kind: 'done'; readonly startedAt: number; readonly endedAt: number }
  | { readonly kind: 'failed'; readonly startedAt: number; readonly endedAt: number; readonly reason: string }
  | { readonly kind: 'not-run'; readonly reason: string };

export interface TimelineOptions<Action> {
  readonly steps: readonly TimelineStep<Action>[];
  readonly clock: Clock;
  /** Runs one step's action; a rejection fails the step (with its message), not the timeline. */
  readonly perform: (step: TimelineStep<Action>) => Promise<void>;
  /** Told when each step starts and ends (the journal, the live lines). */
  readonly onStep?: (
    step: TimelineStep<Action>,
    outcome: StepOutcome | { kind: 'started'; at: number },
  ) => void;
}

/**
 * The scenario's steps in time. `start()` fixes time zero; a step with `at` runs that long after it, one
 * with `after` that long after the first time its event is emitted from then on (a failover state
 * entered, reported by the runner, or another step's `id`, emitted here when that step is done). Steps
 * run independently: one whose action is slow does not hold the others back.
 */
export class Timeline<Action> {
  readonly #options: TimelineOptions<Action>;
  readonly #outcomes = new Map<number, StepOutcome>();
  readonly #timers: Timer[] = [];
  readonly #seen = new Map<string, number>();
  readonly #running = new Set<Promise<void>>();
  #startedAt: number | undefined;

  constructor(options: TimelineOptions<Action>) {
    this.#options = options;
  }

  /** Time zero (clock ms), once started. */
  get startedAt(): number | undefined {
    return this.#startedAt;
  }

  start(): void {
    const { clock, steps } = this.#options;
    this.#startedAt = clock.now();
    for (const step of steps) if ('at' in step.trigger) this.#schedule(step, step.trigger.at);
  }

  /** An event happened now (its first occurrence since start is what `after:` waits for). */
  emit(event: string): void {
    if (this.#startedAt === undefined || this.#seen.has(event)) return;
    this.#seen.set(event, this.#options.clock.now());
    for (const step of this.#options.steps) {
      if ('after' in step.trigger && step.trigger.after === event)
        this.#schedule(step, step.trigger.offsetMs);
    }
  }

  /** When an event first happened since start (clock ms), if it has. */
  seen(event: string): number | undefined {
    return this.#seen.get(event);
  }

  /** Waits for the steps running now to end (and for those they trigger at once). */
  async settle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running);
  }

  /**
   * Stops: no further step starts. Each step's outcome, in file order; a step that never started is
   * `not-run`, saying which time or event it waited for.
   */
  async stop(): Promise<StepOutcome[]> {
    for (const timer of this.#timers.splice(0)) timer.cancel();
    await this.settle();
    return this.#options.steps.map(
      (step) => this.#outcomes.get(step.index) ?? { kind: 'not-run', reason: waitedFor(step.trigger) },
    );
  }

  #schedule(step: TimelineStep<Action>, delayMs: number): void {
    this.#timers.push(this.#options.clock.setTimeout(() => this.#run(step), delayMs));
  }

  #run(step: TimelineStep<Action>): void {
    const { clock, perform, onStep } = this.#options;
    const startedAt = clock.now();
    onStep?.(step, { kind: 'started', at: startedAt });
    const running = perform(step).then(
      () => ({ kind: 'done', startedAt, endedAt: clock.now() }) as const,
      (error: unknown) =>
        ({
          kind: 'failed',
          startedAt,
          endedAt: clock.now(),
          reason: error instanceof Error ? error.message : String(error),
        }) as const,
    );
    const tracked = running.then((outcome) => {
      this.#outcomes.set(step.index, outcome);
      onStep?.(step, outcome);
      if (outcome.kind === 'done' && step.id) this.emit(step.id);
    });
    this.#running.add(tracked);
    void tracked.finally(() => this.#running.delete(tracked));
  }
}

function waitedFor(trigger: StepTrigger): string {
  return 'at' in trigger
    ? `the run ended before ${trigger.at / 1000}s`
    : `"${trigger.after}" did not happen${trigger.offsetMs ? ` (or not ${trigger.offsetMs / 1000}s before the end)` : ''}`;
}
