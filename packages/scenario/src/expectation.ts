import { CLIENT_FIGURES, type FigureKind, RUN_FIGURES, UNITS_BY_KIND } from './expectation-paths.ts';
import { ExpectationInvalidError } from './scenario-error.ts';

// An expectation is one line, k6-style: `<path> <op> <number>[unit]`, such as `rto < 8s` or
// `clients.app.success_rate >= 99%`, or one figure against another of the same kind,
// `acknowledged_writes_missing == rpo`. It is parsed once, when the file is validated, so a run never
// starts with an expectation it cannot evaluate.

export const EXPECTATION_OPERATORS = ['<', '<=', '>', '>=', '==', '!='] as const;
export type ExpectationOperator = (typeof EXPECTATION_OPERATORS)[number];

/** A figure of the run or of one client, as an expectation names it. */
export interface FigureRef {
  /** `rto`, or `clients.app.p99`. */
  readonly path: string;
  /** The load client a `clients.<name>.…` path names; its existence is checked against load.clients. */
  readonly client: string | undefined;
  /** The figure: `rto`, `p99`, … */
  readonly figure: string;
  readonly kind: FigureKind;
}

/** What a figure is compared with: a number in the figure's base unit (seconds, a ratio, a count), or another figure. */
export type Operand = { readonly value: number } | { readonly figure: FigureRef };

/** A parsed expectation. */
export interface Expectation extends FigureRef {
  /** The text as written: the expectation's name in reports. */
  readonly text: string;
  readonly operator: ExpectationOperator;
  readonly operand: Operand;
}

const SHAPE = /^\s*([A-Za-z0-9_.-]+)\s*([<>=!]+)\s*(\S*?)\s*$/;
const NUMBER = /^(-?(?:\d+(?:\.\d+)?|\.\d+))(ms|s|m|%)?$/;
const UNIT_FACTOR: Readonly<Record<string, number>> = { '': 1, ms: 0.001, s: 1, m: 60, '%': 0.01 };
const PATH = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const FORM = 'expected `<path> <op> <number>[unit]` or `<path> <op> <path>`, e.g. `rto < 8s`';

/** Parses one expectation; throws ExpectationInvalidError saying what is wrong. */
export function parseExpectation(text: string): Expectation {
  const shape = SHAPE.exec(text);
  if (!shape) throw new ExpectationInvalidError(text, FORM);
  const [, path = '', operator = '', operand = ''] = shape;
  const left = figureOf(text, path);
  if (!isOperator(operator)) {
    throw new ExpectationInvalidError(
      text,
      `unknown operator "${operator}": expected one of ${EXPECTATION_OPERATORS.join(' ')}`,
    );
  }
  return { text, ...left, operator, operand: operandOf(text, left, operator, operand) };
}

function operandOf(text: string, left: FigureRef, operator: string, operand: string): Operand {
  if (PATH.test(operand)) {
    const right = figureOf(text, operand);
    if (right.kind !== left.kind) {
      throw new ExpectationInvalidError(
        text,
        `${left.path} is a ${left.kind} and ${right.path} a ${right.kind}: compare figures of one kind`,
      );
    }
    return { figure: right };
  }
  const number = NUMBER.exec(operand);
  if (!number) {
    throw new ExpectationInvalidError(
      text,
      operand === ''
        ? `expected a number or a figure after "${operator}"`
        : `"${operand}" is not a number with an optional unit (ms, s, m, %) or a figure`,
    );
  }
  const unit = number[2] ?? '';
  const units = UNITS_BY_KIND[left.kind];
  if (!units.includes(unit))
    throw new ExpectationInvalidError(text, unitMismatch(left.path, left.kind, unit));
  // Rounded to what was written: 95% must compare as 0.95, not 0.9500000000000001.
  return { value: Number((Number(number[1]) * (UNIT_FACTOR[unit] as number)).toPrecision(12)) };
}

/** The canonical form of an expectation, in base units: `rto < 8000ms` reads `rto < 8s`. */
export function expressionOf(expectation: Expectation): string {
  const { operand } = expectation;
  if ('figure' in operand) return `${expectation.path} ${expectation.operator} ${operand.figure.path}`;
  const unit = expectation.kind === 'time' ? 's' : '';
  return `${expectation.path} ${expectation.operator} ${operand.value}${unit}`;
}

/** The load clients an expectation names, on either side. */
export function clientsNamed(expectation: Expectation): string[] {
  const right = 'figure' in expectation.operand ? expectation.operand.figure.client : undefined;
  return [expectation.client, right].filter((client) => client !== undefined);
}

function figureOf(text: string, path: string): FigureRef {
  const run = RUN_FIGURES[path];
  if (run) return { path, client: undefined, figure: path, kind: run.kind };
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
    return { path, client, figure, kind: known.kind };
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
