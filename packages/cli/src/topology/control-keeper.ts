import type { RegionProcesses } from '@vaultover/control';
import { type Clock, systemClock } from '@vaultover/foundation';
import type { Say } from '../cli/say.ts';
import type { ControlLaunch, ControlRunner, RunningControl } from './control-runner.ts';

/** Restarts in this window beyond which the keeper gives up (a control process that cannot stay up). */
const RESTART_BUDGET = { count: 5, windowMs: 60_000 };
export const RESTART_DELAY_MS = 500;

/**
 * Keeps the control process running: one that exits unasked is started again on the same ports (its
 * global endpoint and API keep their URLs; its state is in the control Redis, so it resumes whatever
 * transition was under way). The getters always describe the process that runs now.
 */
export class ControlKeeper implements RunningControl {
  readonly #runner: ControlRunner;
  readonly #launch: ControlLaunch;
  readonly #processes: RegionProcesses;
  readonly #say: Say;
  readonly #changed: () => Promise<void>;
  readonly #clock: Clock;
  #current: RunningControl;
  #stopped = false;
  #restarts: number[] = [];

  private constructor(
    runner: ControlRunner,
    launch: ControlLaunch,
    processes: RegionProcesses,
    say: Say,
    changed: () => Promise<void>,
    first: RunningControl,
    clock: Clock,
  ) {
    this.#runner = runner;
    this.#launch = { ...launch, ports: { api: portOf(first.url), gateway: portOf(first.gatewayUrl) } };
    this.#processes = processes;
    this.#say = say;
    this.#changed = changed;
    this.#current = first;
    this.#clock = clock;
  }

  /** Starts the control process and keeps it up; `changed` is awaited after every restart (new pid). */
  static async start(
    runner: ControlRunner,
    launch: ControlLaunch,
    processes: RegionProcesses,
    say: Say,
    changed: () => Promise<void>,
    clock: Clock = systemClock,
  ): Promise<ControlKeeper> {
    let keeper: ControlKeeper | undefined;
    const first = await runner.start(launch, processes, (reason) => keeper?.exitedUnasked(reason));
    keeper = new ControlKeeper(runner, launch, processes, say, changed, first, clock);
    return keeper;
  }

  get gatewayUrl(): string {
    return this.#current.gatewayUrl;
  }

  get url(): string {
    return this.#current.url;
  }

  get pid(): number {
    return this.#current.pid;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#current.stop();
  }

  /** The runner's report of an exit nobody asked for: restart, within the budget. */
  exitedUnasked(reason: string): void {
    if (this.#stopped) return;
    const now = this.#clock.now();
    this.#restarts = [...this.#restarts.filter((at) => now - at < RESTART_BUDGET.windowMs), now];
    if (this.#restarts.length > RESTART_BUDGET.count) {
      this.#say(
        `${reason}; it exited ${RESTART_BUDGET.count} times within a minute, so it is not restarted again: ` +
          'nothing watches the regions or routes the global endpoint (see its log above; stop and start vaultover up)',
      );
      return;
    }
    this.#say(`${reason}; restarting it on the same ports…`);
    this.#clock.setTimeout(() => void this.#restart(), RESTART_DELAY_MS);
  }

  async #restart(): Promise<void> {
    if (this.#stopped) return;
    try {
      this.#current = await this.#runner.start(this.#launch, this.#processes, (reason) =>
        this.exitedUnasked(reason),
      );
      this.#say(`control process restarted (pid ${this.#current.pid})`);
      await this.#changed();
    } catch (error) {
      this.exitedUnasked(
        `the control process could not restart (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }
}

function portOf(url: string): number {
  return Number(new URL(url).port);
}
