/**
 * How a property-based fuzzer runs (fast-check's `seed` and `numRuns`, and the test's timeout): seeded and
 * short by default, so that `scripts/test` replays the same cases every time; longer or with another seed
 * from the environment (docs/reliability.md#fuzzing):
 *
 * - `VAULTOVER_FUZZ_SEED`: the seed of every fuzzer (a whole number; default {@link DEFAULT_FUZZ_SEED}).
 *   fast-check prints the seed and the path of a failing case, to replay it with this variable.
 * - `VAULTOVER_FUZZ_RUNS`: the cases of every property, replacing each one's default.
 */
export interface FuzzParameters {
  readonly seed: number;
  readonly numRuns: number;
  /** For the test running them: the default test timeout, or more for many runs (`msPerRun` each). */
  readonly timeoutMs: number;
}

/** The issue that asked for the fuzzers; any fixed number would do. */
export const DEFAULT_FUZZ_SEED = 13;

const MIN_TIMEOUT_MS = 30_000;

/**
 * The parameters of a property with `defaultRuns` cases by default, each taking at most about `msPerRun`
 * on a busy machine. Throws on a variable that is not a whole number, rather than run something else than
 * what was asked for.
 */
export function fuzzParameters(
  defaultRuns: number,
  msPerRun: number,
  env: Record<string, string | undefined> = process.env,
): FuzzParameters {
  const seed = wholeNumber(env, 'VAULTOVER_FUZZ_SEED', -(2 ** 31), 2 ** 31 - 1) ?? DEFAULT_FUZZ_SEED;
  const numRuns = wholeNumber(env, 'VAULTOVER_FUZZ_RUNS', 1, Number.MAX_SAFE_INTEGER) ?? defaultRuns;
  return { seed, numRuns, timeoutMs: Math.max(MIN_TIMEOUT_MS, numRuns * msPerRun) };
}

function wholeNumber(
  env: Record<string, string | undefined>,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const text = env[name]?.trim();
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!/^-?\d+$/.test(text) || value < min || value > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(text)}`);
  }
  return value;
}
