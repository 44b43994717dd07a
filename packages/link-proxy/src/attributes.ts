import { BadToxicError } from './errors.ts';

/** Reads a non-negative finite number attribute, or `fallback` when absent; throws BadToxicError. */
export function nonNegative(
  input: Record<string, unknown>,
  key: string,
  fallback: number,
  type: string,
): number {
  const value = input[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new BadToxicError(`${type}: attribute '${key}' must be a non-negative number`);
  }
  return value;
}
