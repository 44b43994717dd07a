import { FAULT_ACTION_TYPES } from '@vaultover/contract';
import { z } from 'zod';

// `fault: { add: … }` carries the body of the control API's `POST /api/faults` as it is
// (docs/chaos.md#the-rule). Its shape and ranges are checked here so that a typo fails `validate`, not
// the run; what needs the live deployment (operation names against the catalogue, principals) is the
// control API's to refuse when the step runs. Region names are checked against the deployment by
// cross-checks.ts.

const names = (what: string) =>
  z.array(z.string().min(1), { error: `expected a list of ${what}` }).min(1, {
    error: `expected a non-empty list of ${what} (leave it out to match any)`,
  });

const int = (min: number, max: number, what: string) => {
  const error = `expected ${what}, a whole number from ${min} to ${max}`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
};

const match = z.strictObject({
  regions: names('region names').optional(),
  operations: names('operations (SecretGet), patterns (Key*) or groups (read, write)').optional(),
  vaults: names('vault names').optional(),
  principals: names('principal names').optional(),
  methods: names('HTTP methods').optional(),
});

const retryAfter = int(0, 3600, 'seconds').optional();
const ACTIONS = {
  error: z.strictObject({
    type: z.literal('error'),
    status: int(400, 599, 'an HTTP status'),
    code: z.string().regex(/^[A-Za-z0-9]+$/, { error: 'expected an error code: letters and digits' }),
    message: z.string().min(1).max(1000),
    retryAfter,
  }),
  throttle: z.strictObject({ type: z.literal('throttle'), retryAfter }),
  delay: z.strictObject({
    type: z.literal('delay'),
    ms: int(0, 300_000, 'milliseconds'),
    jitterMs: int(0, 300_000, 'milliseconds').optional(),
  }),
  reset: z.strictObject({ type: z.literal('reset') }),
  hang: z.strictObject({ type: z.literal('hang'), maxMs: int(1, 3_600_000, 'milliseconds').optional() }),
  'drop-body': z.strictObject({ type: z.literal('drop-body') }),
} satisfies Record<(typeof FAULT_ACTION_TYPES)[number], z.ZodObject>;

const action = z.discriminatedUnion(
  'type',
  [ACTIONS.error, ACTIONS.throttle, ACTIONS.delay, ACTIONS.reset, ACTIONS.hang, ACTIONS['drop-body']],
  {
    error: `expected type: one of ${FAULT_ACTION_TYPES.join(', ')}`,
  },
);

const schedule = z.strictObject({
  probability: z.number().min(0).max(1, { error: 'expected a chance from 0 to 1' }).optional(),
  seed: z.number().int().optional(),
  times: int(1, 1e9, 'a count').optional(),
  skip: int(0, 1e9, 'a count').optional(),
  perRequest: int(1, 1000, 'attempts').optional(),
  startAfterMs: int(0, Number.MAX_SAFE_INTEGER, 'milliseconds').optional(),
  durationMs: int(0, Number.MAX_SAFE_INTEGER, 'milliseconds').optional(),
});

/** A fault rule as `POST /api/faults` takes it. `name` is how a later step removes it. */
export const faultRuleSchema = z.strictObject({
  name: z.string().min(1).max(100),
  match: match.optional(),
  action,
  schedule: schedule.optional(),
});
