import { startChild } from '../child/start-child.ts';
import { CpuWindow } from '../proc-cpu.ts';
import type { LoadEvent, LoadResult, LoadSpec } from './load-spec.ts';

/** A load run with the CPU use of the processes involved, over the measured window. */
export interface Measurement extends LoadResult {
  /** Percent of one core, by process name (`client` is the load generator). */
  cpuPercent: Record<string, number | undefined>;
}

// Room beyond warm-up and window for the child to start, drain in-flight requests and report.
const LOAD_CHILD_SLACK_MS = 30_000;

/**
 * Runs `spec` from a fresh load-generator process and samples the CPU of `watched` processes
 * (server, Redis) and of the generator itself while the window is open.
 */
export function measureLoad(spec: LoadSpec, watched: Record<string, number>): Promise<Measurement> {
  return measureChildWindow(
    { name: 'load', entry: new URL('./load-child.ts', import.meta.url), config: spec, timing: spec },
    watched,
  );
}

/** A child that runs load windows and reports `measuring` and `done` (bench/load/load-window.ts). */
export interface WindowChild {
  name: string;
  entry: URL;
  config: unknown;
  timing: Timing;
  /** How the CPU columns name the child (default `client`). */
  role?: string;
  /** Node flags for the child, e.g. `--cpu-prof`. */
  execArgv?: string[];
}

interface Timing {
  warmupMs: number;
  durationMs: number;
}

/**
 * Starts `child` in a fresh process that runs one window as its start, samples the CPU of `watched`
 * processes and of the child itself (as `role`) while the window is open, and returns what it measured
 * with those CPU figures.
 */
export async function measureChildWindow<Result extends LoadResult = LoadResult>(
  child: WindowChild,
  watched: Record<string, number>,
): Promise<Result & Pick<Measurement, 'cpuPercent'>> {
  const cpu = new WindowCpu(watched, child.role);
  const running = await startChild<Result>({
    ...childSpec(child),
    readyTimeoutMs: windowTimeoutMs(child.timing),
    onEvent: (event, pid) => cpu.onEvent(event, pid),
  });
  await running.stop();
  return { ...running.info, cpuPercent: cpu.take() };
}

/** A child started once that measures a window each time it is asked (child-protocol's `window`). */
export interface WindowedChild<Config extends Timing, Result> {
  measure(config: Config): Promise<Result & Pick<Measurement, 'cpuPercent'>>;
  stop(): Promise<void>;
}

/**
 * Starts `child` (its `config` is the start's: set-up only) and hands back a way to run its windows,
 * each with the CPU of `watched` processes and of the child over the window.
 */
export async function startWindowedChild<Config extends Timing, Result extends LoadResult>(
  child: Omit<WindowChild, 'timing'>,
  watched: Record<string, number>,
): Promise<WindowedChild<Config, Result>> {
  let cpu: WindowCpu | undefined;
  const running = await startChild<unknown>({
    ...childSpec(child),
    readyTimeoutMs: LOAD_CHILD_SLACK_MS,
    onEvent: (event, pid) => cpu?.onEvent(event, pid),
  });
  return {
    async measure(config) {
      const window = new WindowCpu(watched, child.role);
      cpu = window;
      const result = await running.window<Result>(config, windowTimeoutMs(config));
      return { ...result, cpuPercent: window.take() };
    },
    stop: () => running.stop(),
  };
}

function childSpec(child: Omit<WindowChild, 'timing'>) {
  return {
    name: child.name,
    entry: child.entry,
    config: child.config,
    ...(child.execArgv ? { execArgv: child.execArgv } : {}),
  };
}

function windowTimeoutMs(timing: Timing): number {
  return timing.warmupMs + timing.durationMs + LOAD_CHILD_SLACK_MS;
}

/** The CPU of the watched processes and of the child over the span its `measuring` and `done` events mark. */
class WindowCpu {
  readonly #watched: Record<string, number>;
  readonly #role: string;
  #cpu: CpuWindow | undefined;
  #percent: Record<string, number | undefined> = {};

  constructor(watched: Record<string, number>, role = 'client') {
    this.#watched = watched;
    this.#role = role;
  }

  onEvent(event: unknown, pid: number): void {
    const { phase } = event as LoadEvent;
    if (phase === 'measuring') {
      this.#cpu = new CpuWindow({ ...this.#watched, [this.#role]: pid });
      this.#cpu.begin();
    } else if (phase === 'done' && this.#cpu) {
      this.#percent = this.#cpu.end();
    }
  }

  take(): Record<string, number | undefined> {
    return this.#percent;
  }
}
