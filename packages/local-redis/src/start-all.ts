import { RedisConfigError } from './errors.ts';
import type { RedisInstance } from './redis-provider.ts';

/** Rejects a batch that names an instance twice, or one that is already running. */
export function assertNewNames(names: readonly string[], running: { has(name: string): boolean }): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name) || running.has(name)) throw new RedisConfigError(`redis '${name}' is started twice`);
    seen.add(name);
  }
}

/**
 * Starts every name in parallel. If any fails, stops the ones that did start (so a failed start leaks
 * nothing) and throws the first failure.
 */
export async function startAll(
  names: readonly string[],
  startOne: (name: string) => Promise<RedisInstance>,
  stopOne: (name: string) => Promise<void>,
): Promise<RedisInstance[]> {
  const results = await Promise.allSettled(names.map(startOne));
  const failure = results.find((result) => result.status === 'rejected');
  if (!failure) return results.map((result) => (result as PromiseFulfilledResult<RedisInstance>).value);
  await Promise.all(
    results.map((result) => (result.status === 'fulfilled' ? stopOne(result.value.name) : null)),
  );
  throw failure.reason;
}
