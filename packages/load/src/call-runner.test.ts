import { ManualClock } from '@vaultover/testkit';
import { describe, expect, it } from 'vitest';
import { CallAborts, runCall } from './call-runner.ts';
import type { Caller } from './sdk-callers.ts';

/** A caller whose calls end only when their signal aborts (at once if it already has, as the SDK's do). */
const hanging: Caller = {
  setup: async () => {},
  call: (_operation, signal) =>
    new Promise((_resolve, reject) => {
      if (signal.aborted) reject(signal.reason);
      signal.addEventListener('abort', () => reject(signal.reason));
    }),
};

function options(clock: ManualClock) {
  return { client: 'c', caller: hanging, policy: undefined, timeoutMs: 1_000, clock };
}

describe('runCall', () => {
  it('records a call the load aborts as Cancelled, and one that outlives its timeout as Timeout', async () => {
    const clock = new ManualClock();
    const aborts = new CallAborts();
    const timedOut = runCall(options(clock), 'get', aborts);
    await clock.advance(1_000);
    expect(await timedOut).toMatchObject({ outcome: 'failed', code: 'Timeout' });
    const cancelled = runCall(options(clock), 'get', aborts);
    aborts.abortAll();
    expect(await cancelled).toMatchObject({ outcome: 'failed', code: 'Cancelled' });
    // Once the load has aborted its calls, a call started late is aborted from the start.
    expect(await runCall(options(clock), 'get', aborts)).toMatchObject({ code: 'Cancelled' });
    expect(clock.timers).toBe(0);
  });
});
