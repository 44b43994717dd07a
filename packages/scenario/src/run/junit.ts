import { comparedValues, type ScenarioSummary } from '../summary.ts';
import type { StepOutcome } from './timeline.ts';

/**
 * junit.xml for CI: one test suite, the scenario; one test case per expectation (failed with its actual
 * value) and per step that failed or never ran (a run whose timeline broke is not a pass).
 */
export function junitXml(summary: ScenarioSummary, steps: readonly StepOutcome[], seconds: number): string {
  const cases: string[] = [];
  for (const result of summary.expectations) {
    const failure = result.pass
      ? ''
      : `<failure message="${xml(comparedValues(result))}">${xml(result.expr)}</failure>`;
    cases.push(
      `    <testcase classname="${xml(summary.scenario)}" name="${xml(result.name)}">${failure}</testcase>`,
    );
  }
  steps.forEach((outcome, index) => {
    if (outcome.kind === 'done') return;
    cases.push(
      `    <testcase classname="${xml(summary.scenario)}" name="step ${index + 1}"><failure message="${xml(outcome.reason)}"/></testcase>`,
    );
  });
  const failures = cases.filter((line) => line.includes('<failure')).length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="vaultover scenario" tests="${cases.length}" failures="${failures}" time="${seconds}">`,
    `  <testsuite name="${xml(summary.scenario)}" tests="${cases.length}" failures="${failures}" time="${seconds}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

function xml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
