import type { PipelineRetryOptions } from '@azure/core-rest-pipeline';
import type { RetrySpec } from './load-spec.ts';

/**
 * The SDK client's `retryOptions` for a policy; undefined leaves the SDK exactly as shipped (its
 * default: 3 retries, exponential from 800 ms up to 60 s, Retry-After honoured).
 *
 * `fixed` sets the base and the cap to the same delay: the SDK has no constant back-off, and with the
 * cap at the base every retry waits that delay, less the SDK's jitter (it waits between half and all of
 * it). `cockatiel` turns the SDK's retries off: cockatiel retries around the call instead.
 */
export function sdkRetryOptions(spec: RetrySpec): PipelineRetryOptions | undefined {
  switch (spec.policy) {
    case 'sdk-default':
      return undefined;
    case 'none':
    case 'cockatiel':
      return { maxRetries: 0 };
    case 'fixed':
      return { maxRetries: spec.retries, retryDelayInMs: spec.delayMs, maxRetryDelayInMs: spec.delayMs };
    case 'exponential':
      return { maxRetries: spec.retries, retryDelayInMs: spec.delayMs, maxRetryDelayInMs: spec.maxDelayMs };
  }
}
