import { CLIENT_FIGURES, type FigureKind, RUN_FIGURES, UNITS_BY_KIND } from './expectation-paths.ts';
import { ExpectationInvalidError } from './scenario-error.ts';

// An expectation is one line, k6-style: `<path> <op> <number>[unit]`, such as `rto < 8s` or
// `clients.app.success_rate >= 99%`. It is parsed once, when the file is validated, so a run never
// starts with an expectation it cannot evaluate.

export const EXPECTATION_OPERATORS = ['<', '<=', '>', '>=', '==', '!='] as const;
export type ExpectationOperator = (typeof EXPECTATION_OPERATORS)[number];

/** A parsed expectation; `value` is in the figure's base unit (seconds, a ratio, a count). */
export interface Expectation {
  /** The text as written: the expectation's name in reports. */
  readonly text: string;
  /** `rto`, or `clients.app.p99`. */
  readonly path: string;
  /** The load client a `clients.<name>.…` path names; its existence is checked against load.clients. */
  readonly client: string | undefined;
  /** The figure: `rto`, `p99`, … */
  readonly figure: string;
  readonly kind: FigureKind;
  readonly operator: ExpectationOperator;
  readonly value: number;
}

const SHAPE = /^\s*([A-Za-z0-9_.-]+)\s*([<>=!]+)\s*(\S*?)\s*$/;
const NUMBER = /^(-?(?:\d+(?:\.\d+)?|\.\d+))(ms|s|m|%)?$/;
const UNIT_FACTOR: Readonly<Record<string, number>> = { '': 1, ms: 0.001, s: 1, m: 60, '%': 0.01 };
const FORM = 'expected `<path> <op> <number>[unit]`, e.g. `rto < 8s`';

/** Parses one expectation; throws ExpectationInvalidError saying what is wrong. */
export function parseExpectation(text: string): Expectation {
  const shape = SHAPE.exec(text);
  if (!shape) throw new ExpectationInvalidError(text, FORM);
  const [, path = '', operator = '', operand = ''] = shape;
  const { client, figure, kind } = figureOf(text, path);
  if (!isOperator(operator)) {
    throw new ExpectationInvalidError(
      text,
      `unknown operator "${operator}": expected one of ${EXPECTATION_OPERATORS.join(' ')}`,
    );
  }
  const number = NUMBER.exec(operand);
  if (!number) {
    throw new ExpectationInvalidError(
      text,
      operand === ''
        ? `expected a number after "${operator}"`
        : `"${operand}" is not a number with an optional unit (ms, s, m, %)`,
    );
  }
  const unit = number[2] ?? '';
  const units = UNITS_BY_KIND[kind];
  if (!units.includes(unit)) throw new ExpectationInvalidError(text, unitMismatch(path, kind, unit));
  const value = Number(number[1]) * (UNIT_FACTOR[unit] as number);
  return { text, path, client, figure, kind, operator, value };
}

/** The canonical form of an expectation, in base units: `rto < 8000ms` reads `rto < 8s`. */
export function expressionOf(expectation: Expectation): string {
  // Rounded to what a person would write: 0.1 + 0.2 style noise must not show in a report.
  const value = Number(expectation.value.toPrecision(12));
  const unit = expectation.kind === 'time' ? 's' : '';
  return `${expectation.path} ${expectation.operator} ${value}${unit}`;
}

function figureOf(
  text: string,
  path: string,
): { client: string | undefined; figure: string; kind: FigureKind } {
  const run = RUN_FIGURES[path];
  if (run) return { client: undefined, figure: path, kind: run.kind };
  const parts = path.split('.');
  if (parts[0] === 'clients') {
    const [, client, figure] = parts;
    if (parts.length !== 3 || !client || !figure) {
      throw new ExpectationInvalidError(text, `expected clients.<name>.<figure>, got "${path}"`);
    }
    const known = CLIENT_FIGURES[figure];
    if (!known) {
      throw new ExpectationInvalidError(
        text,
        `unknown client figure "${figure}": expected one of ${Object.keys(CLIENT_FIGURES).join(', ')}`,
      );
    }
    return { client, figure, kind: known.kind };
  }
  throw new ExpectationInvalidError(
    text,
    `unknown path "${path}": expected one of ${Object.keys(RUN_FIGURES).join(', ')} or clients.<name>.<figure>`,
  );
}

function unitMismatch(path: string, kind: FigureKind, unit: string): string {
  switch (kind) {
    case 'time':
      return `${path} is a time: give a unit, ms, s or m`;
    case 'ratio':
      return `${path} is a ratio: give a plain number (0.99) or a percentage (99%), not "${unit}"`;
    default:
      return `${path} is a ${kind}: give a plain number, without "${unit}"`;
  }
}

function isOperator(text: string): text is ExpectationOperator {
  return (EXPECTATION_OPERATORS as readonly string[]).includes(text);
}
