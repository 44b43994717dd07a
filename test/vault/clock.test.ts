import { ManualClock } from '@vaultover/testkit';
import { SimulatedClock } from '@vaultover/vault';
import { describe, expect, it } from 'vitest';

// SimulatedClock on a manual base clock: no real waiting.

/** A hand-driven real clock. */
function realTime(start = 1_700_000_000_000): ManualClock {
  return new ManualClock(start);
}

describe('SimulatedClock', () => {
  it('starts at real time and follows it one to one by default', async () => {
    const real = realTime();
    const clock = new SimulatedClock({ base: real });
    expect(clock.timeScale).toBe(1);
    expect(clock.now()).toBe(real.now());
    await real.advance(1234);
    expect(clock.now()).toBe(real.now());
    expect(clock.offsetMs).toBe(0);
  });

  it('scales elapsed real time by timeScale', async () => {
    const real = realTime();
    const start = real.now();
    const clock = new SimulatedClock({ timeScale: 86_400, base: real });
    await real.advance(1000);
    expect(clock.now()).toBe(start + 86_400_000);
    await real.advance(500);
    expect(clock.now()).toBe(start + 1500 * 86_400);
    expect(clock.offsetMs).toBe(1500 * 86_400 - 1500);
  });

  it('supports scales below one, rounding down to whole milliseconds', async () => {
    const real = realTime();
    const start = real.now();
    const clock = new SimulatedClock({ timeScale: 0.5, base: real });
    await real.advance(3);
    expect(clock.now()).toBe(start + 1);
    await real.advance(1);
    expect(clock.now()).toBe(start + 2);
  });

  it('refuses a scale that is not a positive finite number', async () => {
    for (const timeScale of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new SimulatedClock({ timeScale }), String(timeScale)).toThrow(RangeError);
    }
  });

  it('shifts forward by exactly the given amount, and keeps running at its scale after', async () => {
    const real = realTime();
    const start = real.now();
    const clock = new SimulatedClock({ timeScale: 10, base: real });
    await real.advance(100);
    clock.shift(8 * 86_400_000);
    expect(clock.now()).toBe(start + 1000 + 8 * 86_400_000);
    await real.advance(100);
    expect(clock.now()).toBe(start + 2000 + 8 * 86_400_000);
    clock.shift(0);
    expect(clock.now()).toBe(start + 2000 + 8 * 86_400_000);
    expect(clock.offsetMs).toBe(clock.now() - real.now());
  });

  it('tells every listener about each shift, until it unsubscribes', async () => {
    const clock = new SimulatedClock({ base: realTime() });
    const heardByA: number[] = [];
    const heardByB: number[] = [];
    const stopA = clock.onShift((ms) => heardByA.push(ms));
    clock.onShift((ms) => heardByB.push(ms));
    clock.shift(1000);
    clock.shift(250);
    stopA();
    clock.shift(5);
    expect(heardByA).toEqual([1000, 250]);
    expect(heardByB).toEqual([1000, 250, 5]);
  });

  it('lets listeners read the shifted time', async () => {
    const real = realTime();
    const clock = new SimulatedClock({ base: real });
    let seen: number | undefined;
    clock.onShift(() => {
      seen = clock.now();
    });
    clock.shift(60_000);
    expect(seen).toBe(real.now() + 60_000);
  });

  it('refuses negative and non-finite shifts, without moving or notifying', async () => {
    const real = realTime();
    const clock = new SimulatedClock({ base: real });
    const heard: number[] = [];
    clock.onShift((ms) => heard.push(ms));
    for (const ms of [-1, -86_400_000, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(() => clock.shift(ms), String(ms)).toThrow(RangeError);
    }
    expect(() => clock.shift(-1)).toThrow(/forward/);
    expect(clock.now()).toBe(real.now());
    expect(heard).toEqual([]);
  });

  it('converts simulated durations to real milliseconds, rounding up and never below zero', async () => {
    const real = realTime();
    expect(new SimulatedClock({ base: real }).toRealMs(1500)).toBe(1500);
    const fast = new SimulatedClock({ timeScale: 86_400, base: real });
    expect(fast.toRealMs(7 * 86_400_000)).toBe(7000);
    expect(fast.toRealMs(1)).toBe(1);
    expect(fast.toRealMs(0)).toBe(0);
    expect(fast.toRealMs(-5000)).toBe(0);
    const slow = new SimulatedClock({ timeScale: 0.5, base: real });
    expect(slow.toRealMs(1000)).toBe(2000);
  });

  it('round-trips: after toRealMs(d) real milliseconds, at least d simulated ones have passed', async () => {
    for (const timeScale of [1, 3, 7.5, 1000, 86_400]) {
      const real = realTime();
      const clock = new SimulatedClock({ timeScale, base: real });
      const start = clock.now();
      for (const duration of [1, 999, 86_400_000, 7 * 86_400_000 + 1]) {
        const from = clock.now();
        await real.advance(clock.toRealMs(duration));
        expect(clock.now() - from, `scale ${timeScale}, ${duration} ms`).toBeGreaterThanOrEqual(duration);
      }
      expect(clock.now()).toBeGreaterThan(start);
    }
  });
});
