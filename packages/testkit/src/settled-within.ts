/**
 * `'pending'` when `promise` has not settled within `ms` of real time, else `'settled'`. For asserting
 * that something does NOT happen (a read held by a blackhole): the one place a test must wait a set time.
 */
export async function settledWithin(promise: Promise<unknown>, ms: number): Promise<'pending' | 'settled'> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<'pending'>((resolve) => {
    timer = setTimeout(() => resolve('pending'), ms);
  });
  const settled = promise.then(
    () => 'settled' as const,
    () => 'settled' as const,
  );
  const state = await Promise.race([pending, settled]);
  clearTimeout(timer);
  return state;
}
