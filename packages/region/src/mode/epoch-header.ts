import { BadParameterError } from '@vaultover/vault';

/** The failover epoch the global endpoint routed a request under (DESIGN §4, fencing). */
export const EPOCH_HEADER = 'x-vaultover-epoch';

/** The header's epoch, or undefined when absent; a value that is not a non-negative integer is a 400. */
export function requestEpoch(value: string | string[] | undefined): number | undefined {
  if (value === undefined) return undefined;
  const text = Array.isArray(value) ? value.join(',') : value;
  if (!/^\d{1,15}$/.test(text.trim()))
    throw new BadParameterError(`The ${EPOCH_HEADER} header must be a non-negative integer.`);
  return Number(text.trim());
}
