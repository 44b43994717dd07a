import { type Expectation, type ExpectationOperator, expressionOf } from './expectation.ts';
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
    const actual = actualOf(expectation, figures);
    return {
      name: expectation.text,
      expr: expressionOf(expectation),
      actual,
      pass: actual !== null && COMPARE[expectation.operator](actual, expectation.value),
    };
  });
}

function actualOf(expectation: Expectation, figures: SummaryFigures): number | null {
  if (expectation.client === undefined) return RUN_FIGURES[expectation.figure]?.read(figures) ?? null;
  const client = figures.clients[expectation.client];
  if (!client) return null;
  return CLIENT_FIGURES[expectation.figure]?.read(client) ?? null;
}
