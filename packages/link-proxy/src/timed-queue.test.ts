import { ManualClock } from '@vaultover/testkit';
import { describe, expect, it } from 'vitest';
import { TimedQueue } from './timed-queue.ts';

describe('TimedQueue', () => {
  it('releases at the release time, never out of order even if a later chunk is due earlier', async () => {
    const clock = new ManualClock(0);
    const queue = new TimedQueue(clock);
    const out: string[] = [];
    const next = (chunk: Buffer) => out.push(chunk.toString());
    queue.push(100, Buffer.from('a'), next);
    queue.push(10, Buffer.from('b'), next);
    await clock.advance(50);
    expect(out).toEqual([]);
    await clock.advance(50);
    expect(out).toEqual(['a', 'b']);
  });

  it('flush emits everything at once and cancels its timer', async () => {
    const clock = new ManualClock(0);
    const queue = new TimedQueue(clock);
    const out: string[] = [];
    queue.push(100, Buffer.from('a'), (chunk) => out.push(`late:${chunk}`));
    queue.flush((chunk) => out.push(`now:${chunk}`));
    expect(clock.timers).toBe(0);
    await clock.advance(200);
    expect(out).toEqual(['now:a']);
  });
});
