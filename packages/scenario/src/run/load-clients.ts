import { resolve } from 'node:path';
import { type LoadClientSpec, RETRY_DEFAULTS, type RetrySpec } from '@vaultover/load';
import type { LoadSpec } from '../load-schema.ts';
import type { RetryPolicySpec } from '../retry-policy-schema.ts';

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
        maxDelayMs: retry.maxDelay ?? RETRY_DEFAULTS.exponential.maxDelayMs,
      };
    case 'cockatiel':
      return {
        policy: 'cockatiel',
        attempts: retry.attempts,
        delayMs: retry.delay,
        maxDelayMs: retry.maxDelay ?? RETRY_DEFAULTS.cockatiel.maxDelayMs,
        breaker: retry.breaker && {
          failures: retry.breaker.failures,
          halfOpenAfterMs: retry.breaker.halfOpenAfter,
        },
      };
  }
}
