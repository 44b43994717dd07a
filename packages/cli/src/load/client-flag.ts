import {
  type ClientKind,
  type LoadClientSpec,
  OPERATIONS,
  type Pacing,
  RETRY_DEFAULTS,
  RETRY_POLICIES,
  type RetryPolicyName,
  type RetrySpec,
} from '@vaultover/load';
import { CliError, EXIT } from '../cli/cli-error.ts';
import { parseDuration } from './duration-flag.ts';

/** What `vaultover load` runs when no --client is given: reads and some writes, the SDK as shipped. */
export const DEFAULT_CLIENT = 'app:secrets:get=8,set=2:rate=20';

const usage = (spec: string, message: string) =>
  new CliError(`--client ${spec}: ${message} (see docs/load.md)`, { exitCode: EXIT.usage });

const KINDS = Object.keys(OPERATIONS) as ClientKind[];
const SETTINGS = ['rate', 'concurrency', 'max-in-flight', 'retry', 'timeout', 'vault', 'principal'];

/**
 * One `--client`: `NAME:KIND[:OPS][:SETTING=VALUE]…`, e.g.
 * `app:secrets:get=8,set=2:rate=50:retry=sdk-default` or
 * `mine:module=./my-client.mjs:concurrency=4:retry=cockatiel,attempts=5,delay=200ms,max-delay=5s`.
 * KIND is secrets, keys, certificates or `module=PATH`; OPS the mix's weights (default: get=1 for a kind,
 * call=1 for a module); settings are rate or concurrency (default rate=10), max-in-flight, retry (a policy,
 * then its own KEY=VALUE, comma-separated), timeout, vault, principal.
 */
export function parseClientFlag(spec: string): LoadClientSpec {
  const [name, target, ...rest] = spec.split(':');
  if (!name || !/^[a-z][a-z0-9-]{0,39}$/.test(name))
    throw usage(spec, 'start with a client name: a lowercase letter, then letters, digits or -');
  if (!target) throw usage(spec, `name a kind after the client's name: ${KINDS.join(', ')} or module=PATH`);
  const parsedTarget = parseTarget(spec, target);
  let operations: Record<string, number> | undefined;
  let pacing: Pacing | undefined;
  let maxInFlight: number | undefined;
  const client: Partial<LoadClientSpec> = {};
  for (const segment of rest) {
    const [key, ...values] = segment.split('=');
    const value = values.join('=');
    if (!SETTINGS.includes(key ?? '')) {
      if (operations)
        throw usage(
          spec,
          `"${segment}" is neither a setting (${SETTINGS.join(', ')}) nor the first operation list`,
        );
      operations = parseOperations(spec, segment);
      continue;
    }
    if (key === 'rate' || key === 'concurrency') {
      if (pacing) throw usage(spec, 'give rate or concurrency, once');
      const number = positive(spec, key, value);
      if (key === 'concurrency' && !Number.isSafeInteger(number))
        throw usage(spec, 'concurrency is a whole number');
      pacing = key === 'rate' ? { rate: number } : { concurrency: number };
    } else if (key === 'max-in-flight') maxInFlight = positive(spec, key, value);
    else if (key === 'retry') client.retry = parseRetry(spec, value);
    else if (key === 'timeout') client.timeoutMs = parseDuration(value, `--client ${spec}: timeout`);
    else if (key === 'vault') client.vault = value;
    else if (key === 'principal') client.principal = value;
  }
  const policy = client.retry?.policy;
  if ('module' in parsedTarget && (policy === 'fixed' || policy === 'exponential'))
    throw usage(
      spec,
      `a client module does its own retries: retry=${policy} (the SDK's retryOptions) cannot reach it; use retry=cockatiel around it, or leave retry out`,
    );
  pacing ??= { rate: 10 };
  if (maxInFlight !== undefined) {
    if (!('rate' in pacing)) throw usage(spec, 'max-in-flight goes with rate (an open loop)');
    pacing = { ...pacing, maxInFlight };
  }
  return {
    name,
    target: parsedTarget,
    operations: operations ?? ('kind' in parsedTarget ? { get: 1 } : { call: 1 }),
    pacing,
    retry: client.retry ?? { policy: 'sdk-default' },
    ...(client.timeoutMs === undefined ? {} : { timeoutMs: client.timeoutMs }),
    ...(client.vault === undefined ? {} : { vault: client.vault }),
    ...(client.principal === undefined ? {} : { principal: client.principal }),
  };
}

function parseTarget(spec: string, target: string): LoadClientSpec['target'] {
  if (target.startsWith('module=')) {
    const module = target.slice('module='.length);
    if (!module) throw usage(spec, 'module= needs the path of an ES module');
    return { module };
  }
  if (!KINDS.includes(target as ClientKind))
    throw usage(spec, `unknown kind ${target}: expected ${KINDS.join(', ')} or module=PATH`);
  return { kind: target as ClientKind };
}

function parseOperations(spec: string, segment: string): Record<string, number> {
  const operations: Record<string, number> = {};
  for (const pair of segment.split(',')) {
    const [op, weight = '1'] = pair.split('=');
    if (!op || !/^[a-z][a-z0-9-]*$/.test(op)) throw usage(spec, `"${pair}" is not OPERATION=WEIGHT`);
    const number = Number(weight);
    if (weight.trim() === '' || !Number.isFinite(number) || number < 0)
      throw usage(spec, `the weight of ${op} must be a number ≥ 0`);
    operations[op] = number;
  }
  return operations;
}

/** `POLICY[,KEY=VALUE]…`; durations with units, counts as whole numbers. */
function parseRetry(spec: string, text: string): RetrySpec {
  const [policy, ...pairs] = text.split(',');
  if (!RETRY_POLICIES.includes(policy as RetryPolicyName))
    throw usage(spec, `unknown retry policy "${policy}": expected ${RETRY_POLICIES.join(', ')}`);
  const settings = new Map(
    pairs.map((pair) => {
      const [key, value = ''] = pair.split('=');
      return [key ?? '', value] as const;
    }),
  );
  const allowed: Record<RetryPolicyName, string[]> = {
    none: [],
    'sdk-default': [],
    fixed: ['retries', 'delay'],
    exponential: ['retries', 'delay', 'max-delay'],
    cockatiel: ['attempts', 'delay', 'max-delay', 'breaker'],
  };
  for (const key of settings.keys())
    if (!allowed[policy as RetryPolicyName].includes(key))
      throw usage(
        spec,
        `retry ${policy} takes ${allowed[policy as RetryPolicyName].join(', ') || 'no settings'}, not ${key}`,
      );
  const count = (key: string, fallback: number) => {
    const value = settings.get(key);
    if (value === undefined) return fallback;
    const number = Number(value);
    if (!Number.isSafeInteger(number) || number < 0) throw usage(spec, `retry ${key} is a whole number ≥ 0`);
    return number;
  };
  const duration = (key: string, fallback: number) => {
    const value = settings.get(key);
    return value === undefined ? fallback : parseDuration(value, `--client ${spec}: retry ${key}`);
  };
  switch (policy as RetryPolicyName) {
    case 'none':
      return { policy: 'none' };
    case 'sdk-default':
      return { policy: 'sdk-default' };
    case 'fixed': {
      const defaults = RETRY_DEFAULTS.fixed;
      return {
        policy: 'fixed',
        retries: count('retries', defaults.retries),
        delayMs: duration('delay', defaults.delayMs),
      };
    }
    case 'exponential': {
      const defaults = RETRY_DEFAULTS.exponential;
      return {
        policy: 'exponential',
        retries: count('retries', defaults.retries),
        delayMs: duration('delay', defaults.delayMs),
        maxDelayMs: duration('max-delay', defaults.maxDelayMs),
      };
    }
    case 'cockatiel': {
      const defaults = RETRY_DEFAULTS.cockatiel;
      return {
        policy: 'cockatiel',
        attempts: count('attempts', defaults.attempts),
        delayMs: duration('delay', defaults.delayMs),
        maxDelayMs: duration('max-delay', defaults.maxDelayMs),
        breaker: parseBreaker(spec, settings.get('breaker')),
      };
    }
  }
}

/** `breaker=FAILURES/HALF-OPEN-AFTER`, e.g. `breaker=5/10s`. */
function parseBreaker(spec: string, text: string | undefined) {
  if (text === undefined) return undefined;
  const [failures, after] = text.split('/');
  const number = Number(failures);
  if (!Number.isSafeInteger(number) || number <= 0 || !after)
    throw usage(spec, 'breaker is FAILURES/HALF-OPEN-AFTER, e.g. breaker=5/10s');
  return { failures: number, halfOpenAfterMs: parseDuration(after, `--client ${spec}: breaker`) };
}

function positive(spec: string, key: string, value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number <= 0)
    throw usage(spec, `${key} must be a number > 0`);
  return number;
}
