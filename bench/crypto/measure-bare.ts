import { type Measurement, measureChildWindow } from '../load/measure-load.ts';
import type { BareCryptoSpec } from './bare-crypto-spec.ts';

/**
 * Runs `spec` in a fresh bare-crypto process and samples its CPU (as `server`: it is what does the
 * work) and Redis's over the measured window, so its figures sit beside a region's in one table.
 */
export function measureBare(spec: BareCryptoSpec, watched: Record<string, number>): Promise<Measurement> {
  return measureChildWindow(
    {
      name: 'bare-crypto',
      entry: new URL('./bare-crypto-child.ts', import.meta.url),
      config: spec,
      timing: spec,
      role: 'server',
    },
    watched,
  );
}
