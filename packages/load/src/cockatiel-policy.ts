import {
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleAll,
  type IPolicy,
  retry,
  wrap,
} from 'cockatiel';
import type { RetrySpec } from './load-spec.ts';

/**
 * The cockatiel policy of a `cockatiel` retry spec, built as its README shows users building it:
 * `retry(handleAll, { maxAttempts, backoff: new ExponentialBackoff(…) })`, and, with a breaker, that
 * retry wrapped around `circuitBreaker(handleAll, { halfOpenAfter, breaker: new ConsecutiveBreaker(n) })`
 * so that every attempt passes through the breaker (an open circuit fails an attempt at once with
 * BrokenCircuitError, which the retry then backs off from).
 *
 * `attempts` counts every attempt, the first included, as it does for the other policies' readers;
 * cockatiel's `maxAttempts` counts the retries after the first, so it gets `attempts - 1`.
 *
 * One policy per load client: the breaker's state is the client's, shared by its calls, as an app
 * shares one breaker per dependency.
 */
export function cockatielPolicy(spec: Extract<RetrySpec, { policy: 'cockatiel' }>): IPolicy {
  const retrying = retry(handleAll, {
    maxAttempts: spec.attempts - 1,
    backoff: new ExponentialBackoff({ initialDelay: spec.delayMs, maxDelay: spec.maxDelayMs }),
  });
  if (!spec.breaker) return retrying;
  const breaker = circuitBreaker(handleAll, {
    halfOpenAfter: spec.breaker.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(spec.breaker.failures),
  });
  return wrap(retrying, breaker);
}
