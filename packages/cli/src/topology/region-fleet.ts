import type { Say } from '../cli/say.ts';
import type { RegionLaunch, RegionRunner, RunningRegion } from './region-runner.ts';

interface Slot {
  /** The launch, with the port the first start got: a restarted region keeps its URL. */
  launch: RegionLaunch;
  current: RunningRegion;
  /** Serialises crash/restart/stop of this region. */
  queue: Promise<unknown>;
}

/**
 * The running region nodes of a topology: each can be crashed and restarted on request (the control
 * API's region faults). One that dies on its own is the runner's to report.
 */
export class RegionFleet {
  readonly #runner: RegionRunner;
  readonly #say: Say;
  readonly #slots = new Map<string, Slot>();
  readonly #listeners = new Set<() => Promise<void>>();

  constructor(runner: RegionRunner, say: Say) {
    this.#runner = runner;
    this.#say = say;
  }

  /** Starts a region for the first time; later restarts reuse its launch and the port it got. */
  async start(launch: RegionLaunch): Promise<RunningRegion> {
    const running = await this.#runner.start(launch);
    const slot: Slot = {
      launch: { ...launch, port: portOf(running.url) },
      current: running,
      queue: Promise.resolve(),
    };
    this.#slots.set(launch.name, slot);
    return running;
  }

  /** The current process of every region, in start order. */
  list(): RunningRegion[] {
    return [...this.#slots.values()].map(({ current }) => current);
  }

  /** Awaited after a region was restarted (its pid changed), before restart() resolves. */
  onChange(listener: () => Promise<void>): void {
    this.#listeners.add(listener);
  }

  /** SIGKILLs the region node. A region already down is left as it is. */
  crash(name: string): Promise<void> {
    return this.#serial(name, async (slot) => {
      await slot.current.kill();
      this.#say(`region ${name} (pid ${slot.current.pid}) crashed on request (SIGKILL)`);
    });
  }

  /** Starts the region again on the same port with the same launch; stops it first if it runs. */
  restart(name: string): Promise<void> {
    return this.#serial(name, async (slot) => {
      await slot.current.stop();
      this.#say(`restarting region ${name} on ${slot.current.url}…`);
      slot.current = await this.#runner.start(slot.launch);
      this.#say(`region ${name} ready again at ${slot.current.url} (pid ${slot.current.pid})`);
      await Promise.all([...this.#listeners].map((listener) => listener()));
    });
  }

  /** Stops one region for good (topology shutdown). */
  stop(name: string): Promise<void> {
    return this.#serial(name, async (slot) => {
      await slot.current.stop();
    });
  }

  #serial(name: string, action: (slot: Slot) => Promise<void>): Promise<void> {
    const slot = this.#slots.get(name);
    if (!slot) {
      return Promise.reject(
        new Error(`no region ${name} runs here (regions: ${[...this.#slots.keys()].join(', ')})`),
      );
    }
    const next = slot.queue.then(() => action(slot));
    // The caller gets the failure through `next`; the queue only orders actions, and goes on after one fails.
    slot.queue = next.catch(() => {});
    return next;
  }
}

function portOf(url: string): number {
  const port = Number(new URL(url).port);
  if (!Number.isSafeInteger(port) || port <= 0) throw new Error(`no port in region URL ${url}`);
  return port;
}
