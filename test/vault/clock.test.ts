import { SimulatedClock } from '@vaultover/vault';
import { describe, expect, it } from 'vitest';

// SimulatedClock with an injected real clock: no timers, no waiting.

/** A hand-driven real clock. */
function realTime(start = 1_700_000_000_000) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

describe('SimulatedClock', () => {
  it('starts at real time and follows it one to one by default', () => {
    const real = realTime();
    const clock = new SimulatedClock({ realNow: real.now });
    expect(clock.timeScale).toBe(1);
    expect(clock.now()).toBe(real.now());
    real.advance(1234);
    expect(clock.now()).toBe(real.now());
    expect(clock.offsetMs).toBe(0);
  });

  it('scales elapsed real time by timeScale', () => {
    const real = realTime();
    const start = real.now();
    const clock = new SimulatedClock({ timeScale: 86_400, realNow: real.now });
    real.advance(1000);
    expect(clock.now()).toBe(start + 86_400_000);
    real.advance(500);
    expect(clock.now()).toBe(start + 1500 * 86_400);
    expect(clock.offsetMs).toBe(1500 * 86_400 - 1500);
  });

  it('supports scales below one, rounding down to whole milliseconds', () => {
    const real = realTime();
    const start = real.now();
    const clock = new SimulatedClock({ timeScale: 0.5, realNow: real.now });
    real.advance(3);
    expect(clock.now()).toBe(start + 1);
    real.advance(1);
    expect(clock.now()).toBe(start + 2);
  });

  it('refuses a scale that is not a positive finite number', () => {
    for (const timeScale of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new SimulatedClock({ timeScale }), String(timeScale)).toThrow(RangeError);
    }
  });

  it('shifts forward by exactly the given amount, and keeps running at its scale after', () => {
    const real = realTime();
    const start = real.now();
    const clock = new SimulatedClock({ timeScale: 10, realNow: real.now });
    real.advance(100);
    clock.shift(8 * 86_400_000);
    expect(clock.now()).toBe(start + 1000 + 8 * 86_400_000);
    real.advance(100);
    expect(clock.now()).toBe(start + 2000 + 8 * 86_400_000);
    clock.shift(0);
    expect(clock.now()).toBe(start + 2000 + 8 * 86_400_000);
    expect(clock.offsetMs).toBe(clock.now() - real.now());
  });

  it('tells every listener about each shift, until it unsubscribes', () => {
    const clock = new SimulatedClock({ realNow: realTime().now });
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

  it('lets listeners read the shifted time', () => {
    const real = realTime();
    const clock = new SimulatedClock({ realNow: real.now });
    let seen: number | undefined;
    clock.onShift(() => {
      seen = clock.now();
    });
    clock.shift(60_000);
    expect(seen).toBe(real.now() + 60_000);
  });

  it('refuses negative and non-finite shifts, without moving or notifying', () => {
    const real = realTime();
    const clock = new SimulatedClock({ realNow: real.now });
    const heard: number[] = [];
    clock.onShift((ms) => heard.push(ms));
    for (const ms of [-1, -86_400_000, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      expect(() => clock.shift(ms), String(ms)).toThrow(RangeError);
    }
    expect(() => clock.shift(-1)).toThrow(/forward/);
    expect(clock.now()).toBe(real.now());
    expect(heard).toEqual([]);
  });

  it('converts simulated durations to real milliseconds, rounding up and never below zero', () => {
    const realNow = realTime().now;
    expect(new SimulatedClock({ realNow }).toRealMs(1500)).toBe(1500);
    const fast = new SimulatedClock({ timeScale: 86_400, realNow });
    expect(fast.toRealMs(7 * 86_400_000)).toBe(7000);
    expect(fast.toRealMs(1)).toBe(1);
    expect(fast.toRealMs(0)).toBe(0);
    expect(fast.toRealMs(-5000)).toBe(0);
    const slow = new SimulatedClock({ timeScale: 0.5, realNow });
    expect(slow.toRealMs(1000)).toBe(2000);
  });

  it('round-trips: after toRealMs(d) real milliseconds, at least d simulated ones have passed', () => {
    for (const timeScale of [1, 3, 7.5, 1000, 86_400]) {
      const real = realTime();
      const clock = new SimulatedClock({ timeScale, realNow: real.now });
      const start = clock.now();
      for (const duration of [1, 999, 86_400_000, 7 * 86_400_000 + 1]) {
        const from = clock.now();
        real.advance(clock.toRealMs(duration));
        expect(clock.now() - from, `scale ${timeScale}, ${duration} ms`).toBeGreaterThanOrEqual(duration);
      }
      expect(clock.now()).toBeGreaterThan(start);
    }
  });
});
