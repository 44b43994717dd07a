import { fuzzParameters } from '@vaultover/testkit';
import fc from 'fast-check';
import { it } from 'vitest';

/**
 * A test that checks `property` for `defaultRuns` cases of about `msPerRun` each, or as many as
 * VAULTOVER_FUZZ_RUNS says, from the fixed seed or VAULTOVER_FUZZ_SEED. The property is made when the test
 * runs, so that it may use what the file's `beforeAll` started. fast-check prints the seed and path that
 * replay a failure.
 */
export function propertyTest<T>(
  name: string,
  runs: { readonly defaultRuns: number; readonly msPerRun: number },
  property: () => fc.IRawProperty<T>,
): void {
  const { seed, numRuns, timeoutMs } = fuzzParameters(runs.defaultRuns, runs.msPerRun);
  it(name, async () => fc.assert(property(), { seed, numRuns }), timeoutMs);
}
