import { BadParameterError, ForbiddenError } from '../errors.ts';

// Refusals of cryptographic operations. Wording follows the real service where it is known
// (docs/vault-api.md#errors); the inner codes of the validity window are this emulator's own.

/** The operation is not in the key's `key_ops`. */
export function operationNotPermitted(operation: string): ForbiddenError {
  return new ForbiddenError(`Operation ${operation} is not permitted on this key.`, 'KeyOperationForbidden');
}

export function keyDisabled(operation: string): ForbiddenError {
  return new ForbiddenError(`Operation ${operation} is not allowed on a disabled key.`, 'KeyDisabled');
}

export function keyNotYetValid(operation: string, nbf: number): ForbiddenError {
  return new ForbiddenError(
    `Operation ${operation} is not allowed before the key's activation date (nbf ${new Date(nbf * 1000).toISOString()}).`,
    'KeyNotYetValid',
  );
}

export function keyExpired(operation: string, exp: number): ForbiddenError {
  return new ForbiddenError(
    `Operation ${operation} is not allowed on an expired key (exp ${new Date(exp * 1000).toISOString()}).`,
    'KeyExpired',
  );
}

/** An algorithm the key cannot run: wrong family (ES256 on RSA) or wrong curve (ES384 on P-256). */
export function algorithmMismatch(
  algorithm: string,
  keyDescription: string,
  expected: string,
): BadParameterError {
  return new BadParameterError(
    `Invalid alg: ${algorithm} cannot be used with ${keyDescription}; ${expected}.`,
  );
}
