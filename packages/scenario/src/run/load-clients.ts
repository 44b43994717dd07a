import { resolve } from 'node:path';
import type { LoadClientSpec, RetrySpec } from '@vaultover/load';
import type { LoadSpec } from '../load-schema.ts';
import type { RetryPolicySpec } from '../retry-policy-schema.ts';

/** The SDK's default longest wait between retries (core-rest-pipeline), when `maxDelay` is not given. */
const SDK_MAX_RETRY_DELAY_MS = 64_000;
/** cockatiel's ExponentialBackoff's default longest wait, when `maxDelay` is not given. */
const COCKATIEL_MAX_DELAY_MS = 30_000;

/** The load generator's clients for a scenario's `load:`; module paths are taken from `baseDir`. */
export function loadClients(load: LoadSpec, baseDir: string): LoadClientSpec[] {
  return Object.entries(load.clients).map(([name, client]) => ({
    name,
    target: client.module ? { module: resolve(baseDir, client.module) } : { kind: client.kind ?? 'secrets' },
    operations: client.operations,
    pacing: client.rate !== undefined ? { rate: client.rate } : { concurrency: client.concurrency ?? 1 },
    retry: retrySpec(client.retry),
    timeoutMs: client.timeout,
    vault: client.vault,
    principal: client.principal,
  }));
}

export function retrySpec(retry: RetryPolicySpec): RetrySpec {
  switch (retry.policy) {
    case 'none':
    case 'sdk-default':
      return { policy: retry.policy };
    case 'fixed':
      return { policy: 'fixed', retries: retry.retries, delayMs: retry.delay };
    case 'exponential':
      return {
        policy: 'exponential',
        retries: retry.retries,
        delayMs: retry.delay,
        maxDelayMs: retry.maxDelay ?? SDK_MAX_RETRY_DELAY_MS,
      };
    case 'cockatiel':
      return {
        policy: 'cockatiel',
        attempts: retry.attempts,
        delayMs: retry.delay,
        maxDelayMs: retry.maxDelay ?? COCKATIEL_MAX_DELAY_MS,
        breaker: retry.breaker && {
          failures: retry.breaker.failures,
          halfOpenAfterMs: retry.breaker.halfOpenAfter,
        },
      };
  }
}
