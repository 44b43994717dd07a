import { type Expectation, type ExpectationOperator, expressionOf, type FigureRef } from './expectation.ts';
import { CLIENT_FIGURES, RUN_FIGURES } from './expectation-paths.ts';
import type { ExpectationResult, SummaryFigures } from './summary.ts';

const COMPARE: Readonly<Record<ExpectationOperator, (actual: number, expected: number) => boolean>> = {
  '<': (a, e) => a < e,
  '<=': (a, e) => a <= e,
  '>': (a, e) => a > e,
  '>=': (a, e) => a >= e,
  '==': (a, e) => a === e,
  '!=': (a, e) => a !== e,
};

/**
 * Each expectation's verdict against a run's figures. A figure the run does not have (an RTO without a
 * failover, a success rate without calls, a client that never ran) fails: an expectation that could
 * not be checked must not pass silently.
 */
export function evaluateExpectations(
  expectations: readonly Expectation[],
  figures: SummaryFigures,
): ExpectationResult[] {
  return expectations.map((expectation) => {
    const actual = figureValue(expectation, figures);
    const { operand } = expectation;
    const expected = 'figure' in operand ? figureValue(operand.figure, figures) : operand.value;
    return {
      name: expectation.text,
      expr: expressionOf(expectation),
      actual,
      expected,
      pass: actual !== null && expected !== null && COMPARE[expectation.operator](actual, expected),
    };
  });
}

function figureValue(ref: FigureRef, figures: SummaryFigures): number | null {
  if (ref.client === undefined) return RUN_FIGURES[ref.figure]?.read(figures) ?? null;
  const client = figures.clients[ref.client];
  if (!client) return null;
  return CLIENT_FIGURES[ref.figure]?.read(client) ?? null;
}
