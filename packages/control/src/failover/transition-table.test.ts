import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FAILOVER_STATES, type FailoverState, type FailoverStateName } from './failover-state.ts';
import {
  checkTransition,
  IllegalTransitionError,
  TRANSITION_NAMES,
  TRANSITION_TABLE,
  type TransitionName,
  transitionBetween,
} from './transition-table.ts';

const moves = TRANSITION_NAMES.map(
  (name) => `${name}: ${TRANSITION_TABLE[name].from} → ${TRANSITION_TABLE[name].to}`,
);
const pairs = FAILOVER_STATES.flatMap((from) => FAILOVER_STATES.map((to) => [from, to] as const));
const allowed = (from: FailoverStateName, to: FailoverStateName) =>
  TRANSITION_NAMES.some((name) => TRANSITION_TABLE[name].from === from && TRANSITION_TABLE[name].to === to);

/** A state named `state` at `epoch` (only the fields the table looks at matter). */
function at(state: FailoverStateName, epoch: number): FailoverState {
  return { state, epoch } as FailoverState;
}

describe('the transition table', () => {
  it('allows the failover cycle and the failback abort, and nothing else', () => {
    expect(moves).toEqual([
      'failover-started: normal → failing-over',
      'promoted: failing-over → failed-over',
      'failback-started: failed-over → failing-back',
      'failback-aborted: failing-back → failed-over',
      'failed-back: failing-back → normal',
    ]);
    for (const name of TRANSITION_NAMES) expect(TRANSITION_TABLE[name].why).toMatch(/^\S.*\.$/);
  });

  it('names each allowed pair of states once, and no other pair', () => {
    for (const [from, to] of pairs) {
      const name = transitionBetween(from, to);
      if (allowed(from, to)) expect(name && TRANSITION_TABLE[name]).toMatchObject({ from, to });
      else expect(name).toBeUndefined();
    }
    expect(new Set(moves.map((move) => move.split(': ')[1])).size).toBe(TRANSITION_NAMES.length);
  });

  it('leaves every state, and enters every state but none from itself', () => {
    for (const state of FAILOVER_STATES) {
      expect(TRANSITION_NAMES.some((name) => TRANSITION_TABLE[name].from === state)).toBe(true);
      expect(TRANSITION_NAMES.some((name) => TRANSITION_TABLE[name].to === state)).toBe(true);
      expect(transitionBetween(state, state)).toBeUndefined();
    }
  });

  it('checks a move: its name, its two states and an epoch bumped by one', () => {
    for (const name of TRANSITION_NAMES) {
      const { from, to } = TRANSITION_TABLE[name];
      expect(checkTransition(name, at(from, 4), at(to, 5))).toBe(name);
    }
    const refusal = (name: string, from: FailoverState, to: FailoverState) => {
      try {
        checkTransition(name, from, to);
      } catch (error) {
        expect(error).toBeInstanceOf(IllegalTransitionError);
        expect(error).toMatchObject({
          code: 'IllegalTransition',
          transition: name,
          from: from.state,
          to: to.state,
        });
        return (error as Error).message;
      }
      throw new Error(`${name} ${from.state} → ${to.state} was allowed`);
    };
    for (const [from, to] of pairs.filter(([f, t]) => !allowed(f, t))) {
      for (const name of TRANSITION_NAMES) {
        expect(refusal(name, at(from, 4), at(to, 5))).toBe(
          `Illegal failover transition ${name} (${from} → ${to}): ` +
            `the failover state machine never moves ${from} → ${to}.`,
        );
      }
    }
    expect(refusal('promoted', at('failing-back', 4), at('failed-over', 5))).toBe(
      'Illegal failover transition promoted (failing-back → failed-over): ' +
        'promoted moves failing-over → failed-over; this move is failback-aborted.',
    );
    expect(refusal('promoted', at('failing-over', 4), at('failed-over', 6))).toMatch(
      /every transition bumps the epoch by one \(4 → 5\), not to 6\.$/,
    );
    expect(refusal('promoted', at('failing-over', 4), at('failed-over', 4))).toMatch(/not to 4\.$/);
    expect(refusal('demoted', at('failing-over', 4), at('failed-over', 5))).toMatch(
      /: there is no such transition \(that move is promoted\)\.$/,
    );
    expect(refusal('toString', at('normal', 4), at('normal', 5))).toMatch(/: there is no such transition\.$/);
  });
});

describe('docs/control-api.md, "State"', () => {
  const docs = readFileSync(new URL('../../../../docs/control-api.md', import.meta.url), 'utf8');
  const section = docs.slice(
    docs.indexOf('\n## State\n'),
    docs.indexOf('\n### ', docs.indexOf('\n## State\n')),
  );

  /** The rows of the `| transition | from | to | when |` table: `name: from → to`. */
  function documentedMoves(): string[] {
    const lines = section.split('\n');
    const header = lines.findIndex((line) =>
      /^\|\s*transition\s*\|\s*from\s*\|\s*to\s*\|\s*when\s*\|$/.test(line),
    );
    expect(header, 'the section has a | transition | from | to | when | table').toBeGreaterThan(-1);
    const rows = [];
    for (const line of lines.slice(header + 2)) {
      if (!line.startsWith('|')) break;
      const [name, from, to] = line
        .split('|')
        .slice(1, 4)
        .map((cell) => cell.trim().replaceAll('`', ''));
      rows.push(`${name}: ${from} → ${to}`);
    }
    return rows;
  }

  it('lists every transition of the table, and only those', () => {
    const documented = documentedMoves();
    expect(documented.length).toBeGreaterThan(0);
    expect(
      moves.filter((move) => !documented.includes(move)),
      'in transition-table.ts, not in the docs',
    ).toEqual([]);
    expect(
      documented.filter((move) => !moves.includes(move)),
      'in the docs, not in transition-table.ts',
    ).toEqual([]);
    expect(documented).toHaveLength(new Set(documented).size);
  });

  it('draws every state and every transition in its diagram', () => {
    const diagram = /```\n([\s\S]*?)\n```/.exec(section)?.[1] ?? '';
    const words = new Set(diagram.split(/[^\w-]+/));
    const missing = [...FAILOVER_STATES, ...TRANSITION_NAMES].filter((word) => !words.has(word));
    expect(missing, 'names missing from the ASCII diagram').toEqual([]);
    const unknown = [...words].filter(
      (word) =>
        word !== '' &&
        !(FAILOVER_STATES as readonly string[]).includes(word) &&
        !(TRANSITION_NAMES as readonly string[]).includes(word as TransitionName),
    );
    expect(unknown, 'words in the ASCII diagram that name neither a state nor a transition').toEqual([]);
  });
});
