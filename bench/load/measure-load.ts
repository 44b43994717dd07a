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
export async function measureLoad(spec: LoadSpec, watched: Record<string, number>): Promise<Measurement> {
  let cpu: CpuWindow | undefined;
  let cpuPercent: Record<string, number | undefined> = {};
  const child = await startChild<LoadResult>({
    name: 'load',
    entry: new URL('./load-child.ts', import.meta.url),
    config: spec,
    readyTimeoutMs: spec.warmupMs + spec.durationMs + LOAD_CHILD_SLACK_MS,
    onEvent: (event, pid) => {
      const { phase } = event as LoadEvent;
      if (phase === 'measuring') {
        cpu = new CpuWindow({ ...watched, client: pid });
        cpu.begin();
      } else if (phase === 'done' && cpu) {
        cpuPercent = cpu.end();
      }
    },
  });
  await child.stop();
  return { ...child.info, cpuPercent };
}
