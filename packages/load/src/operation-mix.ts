import type { Random } from '@vaultover/foundation';
import { LoadSpecInvalidError } from './errors.ts';

/** Draws operations by weight. The draws come from the caller's seeded random, so a seed replays a mix. */
export interface OperationMix {
  readonly operations: readonly string[];
  next(): string;
}

/**
 * A weighted mix. Weights are relative (`{ get: 8, set: 2 }` is 80 % gets); zero weights are allowed
 * as long as one is positive. `allowed`, when given, is the kind's operations: anything else is refused.
 */
export function operationMix(
  weights: Record<string, number>,
  random: Random,
  allowed?: readonly string[],
): OperationMix {
  const entries = Object.entries(weights);
  for (const [name, weight] of entries) {
    if (allowed && !allowed.includes(name))
      throw new LoadSpecInvalidError(`unknown operation ${name}: expected one of ${allowed.join(', ')}`);
    if (!Number.isFinite(weight) || weight < 0)
      throw new LoadSpecInvalidError(`the weight of ${name} must be a number ≥ 0, not ${weight}`);
  }
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  if (total <= 0) throw new LoadSpecInvalidError('an operation mix needs at least one positive weight');
  // Cumulative bounds, so a draw is one pass over a handful of entries.
  const bounds: [string, number][] = [];
  let sum = 0;
  for (const [name, weight] of entries) {
    if (weight === 0) continue;
    sum += weight / total;
    bounds.push([name, sum]);
  }
  const last = bounds.at(-1)?.[0] as string;
  return {
    operations: bounds.map(([name]) => name),
    next() {
      const draw = random();
      for (const [name, bound] of bounds) if (draw < bound) return name;
      return last; // rounding left the last bound a hair below 1
    },
  };
}
