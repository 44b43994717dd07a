import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../simulated-clock.ts';
import { isSettling, settlesAt } from './propagation.ts';

describe('propagation windows', () => {
  it('without a delay there is no window, and nothing to write', () => {
    const clock = new SimulatedClock();
    expect(settlesAt(clock, undefined)).toBeUndefined();
    expect(settlesAt(clock, 0)).toBeUndefined();
    expect(isSettling(null, clock)).toBe(false);
    expect(isSettling(undefined, clock)).toBe(false);
  });

  it('a window lasts until its moment on the simulated clock: a time shift past it ends it', () => {
    const clock = new SimulatedClock();
    const before = clock.now();
    const settles = settlesAt(clock, 5000);
    expect(Number(settles)).toBeGreaterThanOrEqual(before + 5000);
    expect(isSettling(settles, clock)).toBe(true);
    clock.shift(5000);
    expect(isSettling(settles, clock)).toBe(false);
  });
});
