import { describe, expect, it } from 'vitest';
import { DEFAULT_FUZZ_SEED, fuzzParameters } from './fuzz-parameters.ts';

describe('fuzzParameters', () => {
  it('runs the default cases with the fixed seed when nothing is set', () => {
    expect(fuzzParameters(50, 100, {})).toEqual({ seed: DEFAULT_FUZZ_SEED, numRuns: 50, timeoutMs: 30_000 });
  });

  it('takes the seed and the runs from the environment, and a timeout that grows with the runs', () => {
    const env = { VAULTOVER_FUZZ_SEED: '-42', VAULTOVER_FUZZ_RUNS: ' 20000 ' };
    expect(fuzzParameters(50, 100, env)).toEqual({ seed: -42, numRuns: 20_000, timeoutMs: 2_000_000 });
  });

  it.each([
    ['VAULTOVER_FUZZ_RUNS', '0'],
    ['VAULTOVER_FUZZ_RUNS', '1e3'],
    ['VAULTOVER_FUZZ_RUNS', 'many'],
    ['VAULTOVER_FUZZ_SEED', '1.5'],
    ['VAULTOVER_FUZZ_SEED', '4294967296'],
  ])('refuses %s=%s rather than run something else', (name, value) => {
    expect(() => fuzzParameters(50, 100, { [name]: value })).toThrow(name);
  });
});
