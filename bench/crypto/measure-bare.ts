import { startChild } from '../child/start-child.ts';
import type { LoadEvent, LoadResult } from '../load/load-spec.ts';
import type { Measurement } from '../load/measure-load.ts';
import { CpuWindow } from '../proc-cpu.ts';
import type { BareCryptoSpec } from './bare-crypto-spec.ts';

const SLACK_MS = 30_000;

/**
 * Runs `spec` in a fresh bare-crypto process and samples its CPU (as `server`: it is what does the
 * work) and Redis's over the measured window, so its figures sit beside a region's in one table.
 */
export async function measureBare(
  spec: BareCryptoSpec,
  watched: Record<string, number>,
): Promise<Measurement> {
  let cpu: CpuWindow | undefined;
  let cpuPercent: Record<string, number | undefined> = {};
  const child = await startChild<LoadResult>({
    name: 'bare-crypto',
    entry: new URL('./bare-crypto-child.ts', import.meta.url),
    config: spec,
    readyTimeoutMs: spec.warmupMs + spec.durationMs + SLACK_MS,
    onEvent: (event, pid) => {
      const { phase } = event as LoadEvent;
      if (phase === 'measuring') {
        cpu = new CpuWindow({ ...watched, server: pid });
        cpu.begin();
      } else if (phase === 'done' && cpu) {
        cpuPercent = cpu.end();
      }
    },
  });
  await child.stop();
  return { ...child.info, cpuPercent };
}
