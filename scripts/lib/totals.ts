// Prints the closing line of scripts/test, "N passed, N failed", from vitest's JSON report.
// Failed lint or type checks count as failures too, so that a red check can never hide behind green tests.
import { existsSync, readFileSync } from 'node:fs';

// Usage: totals.ts <report> <failed checks> [<another report>…] (a second pass: scripts/test's cluster pass).
const [reportPath = '', failedChecksArg = '0', ...moreReports] = process.argv.slice(2);
const failedChecks = Number(failedChecksArg);

let passed = 0;
let failed = failedChecks;
for (const path of [reportPath, ...moreReports]) {
  if (!existsSync(path)) {
    failed += 1;
    console.error(`no test report at ${path}: vitest did not run`);
    continue;
  }
  const report = JSON.parse(readFileSync(path, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    testResults: { status: string; assertionResults: { status: string }[] }[];
  };
  passed += report.numPassedTests;
  // A file can fail with no test failing: it did not load (no assertion results), or a beforeAll threw and
  // its tests were skipped. Its tests that did not pass count as failures then (at least one per file), so
  // that "0 failed" never hides a red file.
  const unreported = report.testResults
    .filter((file) => file.status === 'failed' && !file.assertionResults.some((a) => a.status === 'failed'))
    .map((file) => Math.max(1, file.assertionResults.filter((a) => a.status !== 'passed').length));
  failed += report.numFailedTests + unreported.reduce((sum, n) => sum + n, 0);
}
if (failedChecks > 0)
  console.error(`${failedChecks} check(s) failed before the tests (lint, types or the package graph)`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
