// What a load is made of, as plain data: the scenario package reads it from YAML, `vaultover load` from
// its flags; both hand this package these shapes.

/** The real Azure SDK client a load client drives. */
export type ClientKind = 'secrets' | 'keys' | 'certificates';

/** The operations each kind can mix, each one SDK call (one request when nothing is retried). */
export const OPERATIONS = {
  secrets: ['get', 'set', 'list'],
  keys: ['get', 'sign', 'encrypt'],
  certificates: ['get'],
} as const satisfies Record<ClientKind, readonly string[]>;

/** What each retry policy is; durations are milliseconds. See docs/load.md for what each maps to. */
export type RetrySpec =
  | { policy: 'none' }
  | { policy: 'sdk-default' }
  | { policy: 'fixed'; retries: number; delayMs: number }
  | { policy: 'exponential'; retries: number; delayMs: number; maxDelayMs: number }
  | {
      policy: 'cockatiel';
      attempts: number;
      delayMs: number;
      maxDelayMs: number;
      breaker?: { failures: number; halfOpenAfterMs: number } | undefined;
    };

export type RetryPolicyName = RetrySpec['policy'];

/**
 * Who retried a client's calls, as its figures name it: a retry policy, or `module` for a client module
 * that does its own (the SDK's retry options never reach a module; only cockatiel can wrap one).
 */
export type RetriedBy = RetryPolicyName | 'module';

/** What a client's figures name as its retry policy. */
export function retriedBy(spec: Pick<LoadClientSpec, 'target' | 'retry'>): RetriedBy {
  return 'module' in spec.target && spec.retry.policy !== 'cockatiel' ? 'module' : spec.retry.policy;
}

/**
 * What a policy's settings are when not given, the same for `vaultover load` and scenario files. The
 * longest waits are each library's own defaults, so that leaving one out means "as the library does":
 * 64 s for the SDK's `maxRetryDelayInMs` (core-rest-pipeline), 30 s for cockatiel's ExponentialBackoff.
 */
export const RETRY_DEFAULTS = {
  fixed: { retries: 3, delayMs: 500 },
  exponential: { retries: 5, delayMs: 200, maxDelayMs: 64_000 },
  cockatiel: { attempts: 5, delayMs: 200, maxDelayMs: 30_000 },
} as const;

export const RETRY_POLICIES: readonly RetryPolicyName[] = [
  'none',
  'sdk-default',
  'fixed',
  'exponential',
  'cockatiel',
];

/** How calls are started: `rate` calls per second (open loop) or `concurrency` calls in flight (closed). */
export type Pacing = { rate: number; maxInFlight?: number | undefined } | { concurrency: number };

/** One named client of a load. */
export interface LoadClientSpec {
  name: string;
  /** A kind of SDK client, or `module`: the path of the user's own client (an ES module). */
  target: { kind: ClientKind } | { module: string };
  /** Weights by operation name; for a module, any names (they are passed to it as `ctx.operation`). */
  operations: Record<string, number>;
  pacing: Pacing;
  retry: RetrySpec;
  /** Per call, over all its attempts. Default 30 000. */
  timeoutMs?: number | undefined;
  /** Vault name; default the deployment's default vault. */
  vault?: string | undefined;
  /** Principal the client's token names. Default `officer` (set needs write rights). */
  principal?: string | undefined;
}

/** Per call, over all its attempts, when a spec names none. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Calls an open loop lets be in flight at once: past it, a call that is due is dropped (counted as
 * `dropped`), so that an outage whose calls hang does not pile up calls without bound.
 */
export const DEFAULT_MAX_IN_FLIGHT = 256;

export const DEFAULT_PRINCIPAL = 'officer';
