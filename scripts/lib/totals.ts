// Prints the closing line of scripts/test, "N passed, N failed", from vitest's JSON report.
// Failed lint or type checks count as failures too, so that a red check can never hide behind green tests.
import { existsSync, readFileSync } from 'node:fs';

const [reportPath = '', failedChecksArg = '0'] = process.argv.slice(2);
const failedChecks = Number(failedChecksArg);

let passed = 0;
let failed = failedChecks;
if (existsSync(reportPath)) {
  const report = JSON.parse(readFileSync(reportPath, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    testResults: { status: string; assertionResults: unknown[] }[];
  };
  passed = report.numPassedTests;
  // A test file that fails to load has no assertion results; count it as one failure.
  const brokenFiles = report.testResults.filter(
    (f) => f.status === 'failed' && f.assertionResults.length === 0,
  );
  failed += report.numFailedTests + brokenFiles.length;
} else {
  failed += 1;
  console.error(`no test report at ${reportPath}: vitest did not run`);
}
if (failedChecks > 0)
  console.error(`${failedChecks} check(s) failed before the tests (lint, types or the package graph)`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
