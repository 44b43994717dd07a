import type { RegionMode } from './region-mode.ts';

/**
 * The admin endpoints of a region node that the control process drives (with an administrator's token).
 * Regions also read their assignment from the control Redis; a push only makes a change take effect at
 * once instead of at the next lease renewal.
 */
export const REGION_ADMIN_PATHS = {
  /** `POST` a {@link ModeAssignment}: the mode the region must serve in, at an epoch. */
  mode: '/admin/mode',
  /** `POST` a {@link HealthFault}: makes the region's `/health` fail, or answer again. */
  health: '/admin/health',
} as const;

export interface ModeAssignment {
  mode: RegionMode;
  epoch: number;
}

export interface HealthFault {
  fail: boolean;
}
