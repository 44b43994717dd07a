import { ManualClock } from '@vaultover/testkit';
import { describe, expect, it } from 'vitest';
import { type StepOutcome, Timeline, type TimelineStep } from './timeline.ts';

type Action = string;
const step = (
  index: number,
  trigger: TimelineStep<Action>['trigger'],
  id?: string,
): TimelineStep<Action> => ({
  index,
  trigger,
  action: `step-${index}`,
  id,
});

function timeline(steps: TimelineStep<Action>[], perform?: (s: TimelineStep<Action>) => Promise<void>) {
  const clock = new ManualClock(0);
  const ran: [string, number][] = [];
  const line = new Timeline<Action>({
    steps,
    clock,
    perform: async (s) => {
      ran.push([s.action, clock.now()]);
      await perform?.(s);
    },
  });
  return { clock, ran, line };
}

describe('Timeline', () => {
  it('runs `at` steps at their time after start, and `after` steps that long after the first occurrence', async () => {
    const { clock, ran, line } = timeline([
      step(0, { at: 1000 }),
      step(1, { after: 'failed-over', offsetMs: 500 }),
      step(2, { after: 'failed-over', offsetMs: 0 }),
    ]);
    line.emit('failed-over'); // before start: not an occurrence of this run
    line.start();
    await clock.advance(1000);
    expect(ran).toEqual([['step-0', 1000]]);
    await clock.advance(1000);
    line.emit('failed-over');
    line.emit('failed-over'); // a second occurrence schedules nothing more
    await clock.advance(0);
    await clock.advance(500);
    expect(ran).toEqual([
      ['step-0', 1000],
      ['step-2', 2000],
      ['step-1', 2500],
    ]);
    expect(line.seen('failed-over')).toBe(2000);
    const outcomes = await line.stop();
    expect(outcomes.map((o) => o.kind)).toEqual(['done', 'done', 'done']);
  });

  it("chains on a step's id once that step is done, and reports a failed action without stopping the rest", async () => {
    const { clock, ran, line } = timeline(
      [step(0, { at: 0 }, 'crash'), step(1, { after: 'crash', offsetMs: 100 }), step(2, { at: 50 })],
      async (s) => {
        if (s.index === 2) throw new Error('the control API said no');
      },
    );
    line.start();
    await clock.advance(0);
    await line.settle();
    await clock.advance(100);
    await line.settle();
    expect(ran.map(([action]) => action)).toEqual(['step-0', 'step-2', 'step-1']);
    const outcomes = await line.stop();
    expect(outcomes[2]).toMatchObject({ kind: 'failed', reason: 'the control API said no' });
  });

  it('says which time or event a step that never ran waited for', async () => {
    const { clock, line } = timeline([step(0, { at: 5000 }), step(1, { after: 'normal', offsetMs: 2000 })]);
    line.start();
    await clock.advance(1000);
    const outcomes: StepOutcome[] = await line.stop();
    expect(outcomes).toEqual([
      { kind: 'not-run', reason: 'the run ended before 5s' },
      { kind: 'not-run', reason: '"normal" did not happen (or not 2s before the end)' },
    ]);
    await clock.advance(10_000);
  });
});
