/** Something started that must be stopped, with a name for error messages. */
interface Stoppable {
  name: string;
  stop(): Promise<void>;
}

/** A failure while stopping one thing; stopping goes on with the rest. */
export interface StopFailure {
  name: string;
  error: unknown;
}

/**
 * Remembers what was started so it can be stopped in reverse order, whether start-up completed or
 * failed halfway. stopAll() is idempotent: concurrent or repeated calls share one run.
 */
export class StopStack {
  readonly #items: Stoppable[] = [];
  #stopping: Promise<StopFailure[]> | undefined;

  push(name: string, stop: () => Promise<void>): void {
    this.#items.push({ name, stop });
  }

  stopAll(): Promise<StopFailure[]> {
    this.#stopping ??= this.#run();
    return this.#stopping;
  }

  async #run(): Promise<StopFailure[]> {
    const failures: StopFailure[] = [];
    for (let item = this.#items.pop(); item; item = this.#items.pop()) {
      try {
        await item.stop();
      } catch (error) {
        failures.push({ name: item.name, error });
      }
    }
    return failures;
  }
}
