import type { Logger } from 'pino';
import { assignedModes, type FailoverState } from '../failover/failover-state.ts';
import type { RegionAdmin } from './region-admin.ts';

/**
 * Tells each region its mode in `state` now, rather than at its next poll of the control store (a
 * region also renews its lease at once). Best effort: a region that does not answer (crashed) reads its
 * mode from the control store when it comes back.
 */
export async function pushModes(
  admin: RegionAdmin,
  urls: ReadonlyMap<string, string>,
  state: FailoverState,
  logger: Logger,
): Promise<void> {
  await Promise.all(
    Object.entries(assignedModes(state)).map(async ([region, mode]) => {
      const url = urls.get(region);
      if (!url) return;
      try {
        await admin.setMode(url, mode, state.epoch);
      } catch (error) {
        logger.debug({ err: error, region }, 'could not push the mode');
      }
    }),
  );
}
