import { describe, expect, it } from 'vitest';
import type { StepAction } from '../step-schema.ts';
import { faultWindows } from './fault-windows.ts';

const step = (startedAt: number, action: StepAction) => ({ startedAt, action });

describe('faultWindows', () => {
  it('opens a window at each fault and closes it at the step that undoes it, or at the end', () => {
    const windows = faultWindows(
      [
        step(1000, { kind: 'crash', region: 'westeurope' }),
        step(2000, { kind: 'redis', region: 'northeurope', action: 'stop' }),
        step(3000, { kind: 'health', region: 'northeurope', fail: true }),
        step(4000, { kind: 'redis', region: 'northeurope', action: 'start' }),
        step(6000, { kind: 'restart', region: 'westeurope' }),
        step(7000, { kind: 'failover' }),
      ],
      10_000,
    );
    expect(windows).toEqual([
      { what: 'westeurope down', from: 1000, to: 6000 },
      { what: 'northeurope Redis down', from: 2000, to: 4000 },
      { what: 'northeurope health failing', from: 3000, to: 10_000 },
    ]);
  });

  it('narrows a rule to its own schedule, and closes rules and toxics by name or all at once', () => {
    const rule = (name: string, schedule?: { startAfterMs?: number; durationMs?: number }) =>
      ({ name, action: { kind: 'delay', delayMs: 100 }, ...(schedule ? { schedule } : {}) }) as never;
    const windows = faultWindows(
      [
        step(1000, { kind: 'fault', add: rule('slow', { startAfterMs: 500, durationMs: 2000 }) }),
        step(1000, { kind: 'fault', add: rule('errors') }),
        step(1500, { kind: 'toxic', link: 'global-endpoint', add: { type: 'latency' } as never }),
        step(1500, {
          kind: 'toxic',
          link: 'global-endpoint',
          add: { type: 'blackhole', name: 'cut' } as never,
        }),
        step(5000, { kind: 'toxic', link: 'global-endpoint', remove: 'latency_downstream' }),
        step(8000, { kind: 'fault', remove: 'all' }),
        step(9000, { kind: 'toxic', link: 'global-endpoint', remove: 'all' }),
      ],
      20_000,
    );
    expect(windows).toEqual([
      { what: 'rule errors', from: 1000, to: 8000 },
      { what: 'rule slow', from: 1500, to: 3500 },
      { what: 'latency on global-endpoint', from: 1500, to: 5000 },
      { what: 'blackhole on global-endpoint', from: 1500, to: 9000 },
    ]);
  });
});
