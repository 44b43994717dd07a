// A region node's settings and their defaults, without loading the node itself (express, ioredis): for
// config validation in commands that never start a region.
export {
  type CustomThrottleLimits,
  effectiveLimits,
  type KeyOperationLimits,
  keyOperationLimits,
  MAX_WEIGHTED_BUDGET,
  REAL_LIMITS,
  THROTTLE_WINDOW_MS,
  THROTTLING_MODES,
  type ThrottleLimits,
  type ThrottlingMode,
  type ThrottlingSettings,
  weightedBudget,
} from './throttling/throttle-settings.ts';
