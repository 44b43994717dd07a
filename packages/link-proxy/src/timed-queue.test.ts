import { describe, expect, it } from 'vitest';
import type { Scheduler } from './scheduler.ts';
import { TimedQueue } from './timed-queue.ts';

/** A manual clock: timers fire only when the test advances time. */
function fakeScheduler() {
  let now = 0;
  const timers = new Map<number, { at: number; callback: () => void }>();
  let nextId = 0;
  const scheduler: Scheduler = {
    now: () => now,
    setTimeout(callback, delayMs) {
      nextId += 1;
      timers.set(nextId, { at: now + delayMs, callback });
      return nextId;
    },
    clearTimeout: (handle) => void timers.delete(handle as number),
  };
  const advance = (ms: number) => {
    now += ms;
    for (const [id, timer] of [...timers].sort((a, b) => a[1].at - b[1].at)) {
      if (timer.at > now) continue;
      timers.delete(id);
      timer.callback();
    }
  };
  return { scheduler, advance, pendingTimers: () => timers.size };
}

describe('TimedQueue', () => {
  it('releases at the release time, never out of order even if a later chunk is due earlier', () => {
    const { scheduler, advance } = fakeScheduler();
    const queue = new TimedQueue(scheduler);
    const out: string[] = [];
    const next = (chunk: Buffer) => out.push(chunk.toString());
    queue.push(100, Buffer.from('a'), next);
    queue.push(10, Buffer.from('b'), next);
    advance(50);
    expect(out).toEqual([]);
    advance(50);
    expect(out).toEqual(['a', 'b']);
  });

  it('flush emits everything at once and cancels its timer', () => {
    const { scheduler, advance, pendingTimers } = fakeScheduler();
    const queue = new TimedQueue(scheduler);
    const out: string[] = [];
    queue.push(100, Buffer.from('a'), (chunk) => out.push(`late:${chunk}`));
    queue.flush((chunk) => out.push(`now:${chunk}`));
    expect(pendingTimers()).toBe(0);
    advance(200);
    expect(out).toEqual(['now:a']);
  });
});
