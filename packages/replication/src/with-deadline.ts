import { ReplicationError } from './errors.ts';

/** Races `promise` against a timer; on timeout rejects with ReplicationError ReadTimeout (the promise's own rejection is swallowed). */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  promise.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ReplicationError('ReadTimeout', `${what}: no answer in ${ms} ms`)),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
