import { describe, expect, it } from 'vitest';
import { checkHistory, type RunEnd } from './check-history.ts';
import type { Operation } from './history.ts';

// Small hand-made histories: a correct one passes, and each anomaly the checker exists for is found in a
// history that has it, by the check that names it.

let nextId = 1;
function op(fields: Partial<Operation> & Pick<Operation, 'kind' | 'invokedAt'>): Operation {
  return {
    id: nextId++,
    process: 'p1',
    key: 'k',
    outcome: 'ok',
    region: 'westeurope',
    epoch: 1,
    completedAt: fields.invokedAt + 5,
    ...fields,
  };
}
const write = (value: string, invokedAt: number, more: Partial<Operation> = {}) =>
  op({ kind: 'write', value, invokedAt, ...more });
const read = (value: string, invokedAt: number, more: Partial<Operation> = {}) =>
  op({ kind: 'read', value, invokedAt, ...more });

function endWith(values: Record<string, string[]>, more: Partial<RunEnd> = {}): RunEnd {
  return {
    mode: 'async',
    final: { valuesOf: (key) => values[key] ?? [] },
    reported: { changes: 0, windows: [] },
    ...more,
  };
}

const checks = (history: Operation[], end: RunEnd) =>
  checkHistory(history, end).map((anomaly) => anomaly.check);

describe('the history checker', () => {
  it('passes a correct history: reads see the last acknowledged write or a concurrent one', () => {
    const history = [
      write('a', 0),
      read('a', 10),
      write('b', 20, { completedAt: 40 }),
      read('a', 25, { process: 'p2' }), // concurrent with b: a is still allowed
      read('b', 50),
      write('c', 60, { outcome: 'unknown', completedAt: undefined }),
      read('c', 70),
    ];
    expect(checkHistory(history, endWith({ k: ['a', 'b', 'c'] }))).toEqual([]);
  });

  it('finds a read of a value nobody wrote, and not one of an unanswered write', () => {
    expect(checks([write('a', 0), read('zzz', 10)], endWith({ k: ['a'] }))).toEqual(['phantom-read']);
    expect(checks([write('a', 0, { outcome: 'fail' }), read('a', 10)], endWith({ k: [] }))).toEqual([
      'phantom-read',
    ]);
  });

  it('finds a stale read within an epoch, and allows an older value after a failover', () => {
    const history = [write('a', 0), write('b', 10), read('a', 20)];
    expect(checks(history, endWith({ k: ['a', 'b'] }))).toEqual(['stale-read']);
    const afterFailover = [write('a', 0), write('b', 10), read('a', 20, { epoch: 3, region: 'northeurope' })];
    expect(checks(afterFailover, endWith({ k: ['a', 'b'] }))).toEqual([]);
  });

  it('finds a read that found nothing after a write was acknowledged in its epoch', () => {
    const nothing = (invokedAt: number, more: Partial<Operation> = {}) =>
      op({ kind: 'read', invokedAt, ...more });
    expect(checks([nothing(0), write('a', 10)], endWith({ k: ['a'] }))).toEqual([]);
    expect(checks([write('a', 0), nothing(10)], endWith({ k: ['a'] }))).toEqual(['stale-read']);
    expect(checks([write('a', 0), nothing(10, { epoch: 2 })], endWith({ k: ['a'] }))).toEqual([]);
  });

  it('finds two regions acknowledging writes in one epoch', () => {
    const history = [write('a', 0), write('b', 10, { key: 'k2', region: 'northeurope' })];
    expect(checks(history, endWith({ k: ['a'], k2: ['b'] }))).toEqual(['split-brain']);
  });

  it('in sync mode, finds any acknowledged write that is gone', () => {
    const end = endWith({ k: ['a'] }, { mode: 'sync' });
    expect(checks([write('a', 0), write('b', 10)], end)).toEqual(['lost-write']);
  });

  it('in async mode, accepts a loss the failover reported and finds one it did not', () => {
    const history = [write('a', 0), write('b', 100), write('c', 200)];
    const reported = { changes: 1, windows: [{ from: 90, to: 120 }] };
    expect(checks(history, endWith({ k: ['a', 'c'] }, { reported }))).toEqual([]);
    // c is gone too: outside the window, and one more than reported.
    expect(checks(history, endWith({ k: ['a'] }, { reported }))).toEqual(['lost-write', 'rpo-mismatch']);
    // Reported a loss nothing shows (no unanswered write explains it).
    expect(checks(history, endWith({ k: ['a', 'b', 'c'] }, { reported }))).toEqual(['rpo-mismatch']);
  });

  it('counts deletes and recovers among the changes a failover may have lost unseen', () => {
    const history = [write('a', 0), op({ kind: 'delete', key: 'other', invokedAt: 10 })];
    const reported = { changes: 1, windows: [{ from: 0, to: 20 }] };
    expect(checks(history, endWith({ k: ['a'] }, { reported }))).toEqual([]);
    expect(checks([write('a', 0)], endWith({ k: ['a'] }, { reported }))).toEqual(['rpo-mismatch']);
  });

  it('when the count may be high (the link stayed up), checks only that it covers what is gone', () => {
    const history = [write('a', 0), write('b', 100)];
    const high = { changes: 3, windows: [{ from: 90, to: 120 }], accuracy: 'upper-bound' as const };
    expect(checks(history, endWith({ k: ['a', 'b'] }, { reported: high }))).toEqual([]);
    const low = { changes: 0, windows: [{ from: 90, to: 120 }], accuracy: 'upper-bound' as const };
    expect(checks(history, endWith({ k: ['a'] }, { reported: low }))).toEqual(['rpo-mismatch']);
  });

  it('when the count is an estimate from probes, checks only that nothing older than the window is gone', () => {
    const history = [write('a', 0), write('b', 100), write('c', 200)];
    const estimate = { changes: 1, windows: [{ from: 90, to: 120 }], accuracy: 'estimate' as const };
    // b and c are gone: c is newer than the window (the probe missed it) and the count is one short.
    expect(checks(history, endWith({ k: ['a'] }, { reported: estimate }))).toEqual([]);
    expect(checks(history, endWith({ k: ['b', 'c'] }, { reported: estimate }))).toEqual(['lost-write']);
  });

  it("checks each failover's report against the state the promoted secondary held", () => {
    const history = [write('a', 0), write('b', 100), write('c', 300, { epoch: 4 })];
    const end = endWith({ k: ['a', 'b', 'c'] });
    const failover = (held: string[], changes: number) => ({
      since: 0,
      promotedAt: 200,
      state: { valuesOf: () => held },
      reported: { changes, windows: [{ from: 90, to: 120 }] },
    });
    // c came after the promotion: not the failover's business.
    expect(checks(history, { ...end, failovers: [failover(['a'], 1)] })).toEqual([]);
    // b is gone inside the window, but nothing was reported lost.
    expect(checks(history, { ...end, failovers: [failover(['a'], 0)] })).toEqual(['rpo-mismatch']);
    // a is gone, outside the window the report gave.
    expect(checks(history, { ...end, failovers: [failover(['b'], 1)] })).toEqual(['lost-write']);
  });

  it('finds a list that lacks a version an earlier list saw or an earlier write created, in one epoch', () => {
    const list = (versions: string[], invokedAt: number, more: Partial<Operation> = {}) =>
      op({ kind: 'list', versions, invokedAt, ...more });
    const growing = [
      write('a', 0, { version: 'v1' }),
      list(['v1'], 10),
      write('b', 20, { version: 'v2' }),
      list(['v1', 'v2'], 30),
    ];
    expect(checks(growing, endWith({ k: ['a', 'b'] }))).toEqual([]);
    expect(checks([list(['v1', 'v2'], 0), list(['v2'], 10)], endWith({}))).toEqual(['shrinking-versions']);
    expect(checks([write('a', 0, { version: 'v1' }), list([], 10)], endWith({ k: ['a'] }))).toEqual([
      'shrinking-versions',
    ]);
    // Concurrent with the write, or in another epoch: either may lack it.
    expect(
      checks([write('a', 0, { version: 'v1', completedAt: 20 }), list([], 10)], endWith({ k: ['a'] })),
    ).toEqual([]);
    expect(checks([list(['v1'], 0), list([], 10, { epoch: 2 })], endWith({}))).toEqual([]);
  });

  it('finds a crypto round trip that did not give back its plaintext', () => {
    const roundTrip = (result: string) =>
      op({ kind: 'crypto', key: 'rsa', value: 'p', result, invokedAt: 0 });
    expect(checks([roundTrip('p')], endWith({}))).toEqual([]);
    expect(checks([roundTrip('q')], endWith({}))).toEqual(['crypto-mismatch']);
  });

  it('finds a refused write whose value is there after all', () => {
    const history = [write('a', 0), write('b', 10, { outcome: 'fail' })];
    expect(checks(history, endWith({ k: ['a'] }))).toEqual([]);
    expect(checks(history, endWith({ k: ['a', 'b'] }))).toEqual(['applied-failure']);
  });

  it('finds an unanswered write that happened twice', () => {
    const history = [write('a', 0, { outcome: 'unknown', completedAt: undefined })];
    expect(checks(history, endWith({ k: ['a'] }))).toEqual([]);
    expect(checks(history, endWith({ k: ['a', 'a'] }))).toEqual(['duplicated-unknown']);
  });
});
