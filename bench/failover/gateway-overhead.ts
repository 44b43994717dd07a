import type { LoadSpec } from '../load/load-spec.ts';
import { type Measurement, measureLoad } from '../load/measure-load.ts';
import type { SuiteContext } from '../suite.ts';
import { describeRun } from './progress.ts';

// The global endpoint's cost: the same GET, same concurrency, through the gateway and straight at
// the primary region node, interleaved within each run so that machine drift hits both alike.

export const OVERHEAD_NAMES = { direct: 'primary GET (direct)', gateway: 'gateway GET' } as const;

/** Where each side sends its load, and the processes whose CPU is read during the window. */
export interface OverheadTargets {
  direct: LoadSpec;
  gateway: LoadSpec;
  /** The region node, its Redis and the control process (which runs the gateway). */
  pids: { region: number; redis: number | null; control: number };
}

export interface OverheadRuns {
  direct: Measurement[];
  gateway: Measurement[];
}

export async function measureOverhead(
  targets: OverheadTargets,
  context: SuiteContext,
): Promise<OverheadRuns> {
  const runs: OverheadRuns = { direct: [], gateway: [] };
  const { region, redis, control } = targets.pids;
  // `server` is the region node on both sides, so its µs/req compare; the gateway's own CPU is apart.
  const watched = { server: region, gateway: control, ...(redis === null ? {} : { redis }) };
  const count = context.options.runs;
  for (let run = 1; run <= count; run++) {
    for (const side of ['direct', 'gateway'] as const) {
      const m = await measureLoad(targets[side], watched);
      runs[side].push(m);
      context.progress(`overhead run ${run}/${count} ${OVERHEAD_NAMES[side]}: ${describeRun(m)}`);
    }
  }
  return runs;
}
