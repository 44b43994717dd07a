import type { LoadSpec } from '../load/load-spec.ts';
import { type Measurement, measureLoad } from '../load/measure-load.ts';
import type { SuiteContext } from '../suite.ts';
import { describeRun } from './progress.ts';

// The global endpoint's cost: the same GET, same concurrency, straight at the primary region node,
// through the gateway, and through a bare Node relay (the floor of any relay in Node on this machine),
// interleaved within each run so that machine drift hits all three alike.

export const OVERHEAD_NAMES = {
  direct: 'primary GET (direct)',
  gateway: 'gateway GET',
  bareRelay: 'bare relay GET',
} as const;

export type OverheadSide = keyof typeof OVERHEAD_NAMES;
export const OVERHEAD_SIDES: readonly OverheadSide[] = ['direct', 'gateway', 'bareRelay'];

/** Where each side sends its load, and the processes whose CPU is read during the window. */
export interface OverheadTargets {
  load: Record<OverheadSide, LoadSpec>;
  /** The region node, its Redis, the control process (which runs the gateway) and the bare relay. */
  pids: { region: number; redis: number | null; control: number; bareRelay: number };
}

export type OverheadRuns = Record<OverheadSide, Measurement[]>;

export async function measureOverhead(
  targets: OverheadTargets,
  context: SuiteContext,
): Promise<OverheadRuns> {
  const runs: OverheadRuns = { direct: [], gateway: [], bareRelay: [] };
  const { region, redis, control, bareRelay } = targets.pids;
  // `server` is the region node on every side, so its µs/req compare. `relay` is the process in the
  // path (the control process through the gateway, the bare relay through it), read apart.
  const relayOf: Record<OverheadSide, number> = { direct: control, gateway: control, bareRelay };
  const count = context.options.runs;
  for (let run = 1; run <= count; run++) {
    for (const side of OVERHEAD_SIDES) {
      const watched = { server: region, relay: relayOf[side], ...(redis === null ? {} : { redis }) };
      const m = await measureLoad(targets.load[side], watched);
      runs[side].push(m);
      context.progress(`overhead run ${run}/${count} ${OVERHEAD_NAMES[side]}: ${describeRun(m)}`);
    }
  }
  return runs;
}
