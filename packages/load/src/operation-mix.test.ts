import { seededRandom } from '@vaultover/foundation';
import { describe, expect, it } from 'vitest';
import { LoadSpecInvalidError } from './errors.ts';
import { OPERATIONS } from './load-spec.ts';
import { operationMix } from './operation-mix.ts';

const draws = (seed: number, n: number) => {
  const mix = operationMix({ get: 8, set: 2 }, seededRandom(seed), OPERATIONS.secrets);
  return Array.from({ length: n }, () => mix.next());
};

describe('operation mix', () => {
  it('replays the same operations for the same seed, and others for another seed', () => {
    expect(draws(42, 200)).toEqual(draws(42, 200));
    expect(draws(42, 200)).not.toEqual(draws(43, 200));
  });

  it('draws by weight', () => {
    const sets = draws(7, 10_000).filter((op) => op === 'set').length;
    expect(sets).toBeGreaterThan(1_700);
    expect(sets).toBeLessThan(2_300);
  });

  it('never draws an operation of weight 0', () => {
    const mix = operationMix({ get: 1, set: 0 }, seededRandom(1));
    expect(new Set(Array.from({ length: 500 }, () => mix.next()))).toEqual(new Set(['get']));
  });

  it('refuses an operation the kind does not have, a negative weight and an all-zero mix', () => {
    const refused: Record<string, number>[] = [{ get: 1, delete: 1 }, { get: -1 }, { get: 0 }];
    for (const weights of refused) {
      expect(() => operationMix(weights, seededRandom(1), OPERATIONS.secrets)).toThrow(LoadSpecInvalidError);
    }
  });
});
