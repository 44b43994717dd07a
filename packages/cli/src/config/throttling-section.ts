import {
  effectiveLimits,
  keyOperationLimits,
  MAX_WEIGHTED_BUDGET,
  THROTTLING_MODES,
  type ThrottlingSettings,
  weightedBudget,
} from '@vaultover/region/settings';
import { z } from 'zod';

// `throttling:` the real service's per-vault limits, off by default (docs/chaos.md#throttling).

const LIMIT = 'expected a positive integer (requests per 10 seconds)';
const RETRY_AFTER = 'expected a whole number of seconds, 0 or more';

const limit = z.number().int({ error: LIMIT }).positive({ error: LIMIT }).optional();

const keyOperationLimitsSchema = z
  .strictObject({ rsa2048: limit, rsa3072: limit, rsa4096: limit, ec: limit })
  .optional();

const limitsSchema = z.strictObject({
  secretCreate: limit,
  vaultOther: limit,
  keyCreateSoftware: limit,
  keyCreateHsm: limit,
  keyOpsSoftware: keyOperationLimitsSchema,
  keyOpsHsm: keyOperationLimitsSchema,
});

/** `throttling: real` (or `off`, `custom`) is short for `throttling: { mode: real }`. */
export const throttlingSchema = z.preprocess(
  (value) => (typeof value === 'string' ? { mode: value } : value),
  z
    .strictObject({
      mode: z.enum(THROTTLING_MODES).default('off'),
      retryAfterSeconds: z.number().int({ error: RETRY_AFTER }).min(0, { error: RETRY_AFTER }).optional(),
      limits: limitsSchema.optional(),
    })
    .superRefine((settings, ctx) => {
      if (settings.limits === undefined) return;
      if (settings.mode !== 'custom') {
        ctx.addIssue({
          code: 'custom',
          path: ['limits'],
          message: `only with mode custom (mode is ${settings.mode}): the real limits are fixed`,
        });
        return;
      }
      const limits = effectiveLimits(settings as ThrottlingSettings);
      if (!limits) return;
      // Key operations and key creations are weighted: each limit's weight must be a whole number.
      const weighted = {
        'key-operation': keyOperationLimits(limits),
        'key-creation': [limits.keyCreateSoftware, limits.keyCreateHsm],
      };
      for (const [what, values] of Object.entries(weighted)) {
        if (Number.isFinite(weightedBudget(values))) continue;
        ctx.addIssue({
          code: 'custom',
          path: ['limits'],
          message: `the ${what} limits (${values.join(', ')}) have no common multiple up to ${MAX_WEIGHTED_BUDGET}, so they cannot be weighed exactly: use rounder numbers`,
        });
      }
    }),
);
