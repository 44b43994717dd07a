import { setTimeout as delay } from 'node:timers/promises';
import type { RegionHealth } from '@vaultover/contract';
import { httpsOnce } from '../https-once.ts';

const POLL_MS = 500;

/**
 * Waits until the secondary has applied every change the primary had committed when called (the
 * positions of `/health`, sums over vaults); throws after `timeoutMs`. Resolves with the milliseconds
 * it took, so that a report can say how far behind the secondary was when the writes ended.
 */
export async function awaitApplied(
  primaryPort: number,
  secondaryPort: number,
  caPem: string,
  timeoutMs: number,
): Promise<number> {
  const started = performance.now();
  const committed = (await health(primaryPort, caPem)).replication?.lastPosition;
  if (committed === null || committed === undefined) throw new Error('the primary reports no position');
  for (;;) {
    const applied = (await health(secondaryPort, caPem)).replication?.lastAppliedPosition ?? 0;
    if (applied >= committed) return performance.now() - started;
    if (performance.now() - started > timeoutMs)
      throw new Error(`the secondary applied ${applied} of ${committed} changes within ${timeoutMs} ms`);
    await delay(POLL_MS);
  }
}

async function health(port: number, caPem: string): Promise<RegionHealth> {
  const { body } = await httpsOnce({ port, caPem, method: 'GET', path: '/health', headers: {} });
  return JSON.parse(body) as RegionHealth;
}
