import { z } from 'zod';
import { durationSchema } from './duration.ts';

// `retry:` of a load client: which real library retries, configured as its users configure it. The
// load package applies them (run/load-clients.ts maps these to its RetrySpec, and a left-out `maxDelay`
// to its RETRY_DEFAULTS). Durations are in the file's form (`500ms`) and milliseconds after parsing.

export const RETRY_POLICIES = ['none', 'sdk-default', 'fixed', 'exponential', 'cockatiel'] as const;
export type RetryPolicyName = (typeof RETRY_POLICIES)[number];

const RETRIES = 'expected a whole number of retries, 0 or more';
const ATTEMPTS = 'expected a whole number of attempts, 1 or more';
const retries = () => z.number({ error: RETRIES }).int({ error: RETRIES }).min(0, { error: RETRIES });

/** The SDK client with `retryOptions: { maxRetries: 0 }`. */
const none = z.strictObject({ policy: z.literal('none') });
/** The SDK client exactly as shipped: no retryOptions at all. */
const sdkDefault = z.strictObject({ policy: z.literal('sdk-default') });
/** SDK retryOptions with one delay: `retryDelayInMs` = `maxRetryDelayInMs` = `delay`. */
const fixed = z.strictObject({ policy: z.literal('fixed'), retries: retries(), delay: durationSchema() });
/** SDK retryOptions: `maxRetries`, `retryDelayInMs` = `delay`, `maxRetryDelayInMs` = `maxDelay`. */
const exponential = z.strictObject({
  policy: z.literal('exponential'),
  retries: retries(),
  delay: durationSchema(),
  maxDelay: durationSchema().optional(),
});
/**
 * cockatiel's retry with ExponentialBackoff around an SDK client whose own retries are off, and its
 * circuit breaker (ConsecutiveBreaker) when `breaker` is given.
 */
const cockatiel = z.strictObject({
  policy: z.literal('cockatiel'),
  attempts: z.number({ error: ATTEMPTS }).int({ error: ATTEMPTS }).min(1, { error: ATTEMPTS }),
  delay: durationSchema(),
  maxDelay: durationSchema().optional(),
  breaker: z
    .strictObject({
      failures: z.number().int().min(1, { error: 'expected 1 or more consecutive failures' }),
      halfOpenAfter: durationSchema({ positive: true }),
    })
    .optional(),
});

/** `retry:` of a load client. */
export const retryPolicySchema = z.discriminatedUnion(
  'policy',
  [none, sdkDefault, fixed, exponential, cockatiel],
  { error: `expected policy: one of ${RETRY_POLICIES.join(', ')}` },
);

export type RetryPolicySpec = z.output<typeof retryPolicySchema>;
