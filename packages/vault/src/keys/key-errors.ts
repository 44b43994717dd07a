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

/**
 * `POST /rng` with a count outside 1–128: the text a Managed HSM answers in the SDK's recording (which
 * ends with ` (Activity ID: <request id>)`, left out here); no recording of a vault's answer was found.
 */
export const randomBytesCountOutOfRange = () =>
  new BadParameterError('GetRandomBytesRequest: count cannot be greater than 128 or less than 1');

/**
 * `POST /keys/{name}` with no operation after the name: the real service's recorded answer to
 * `POST /keys//create` (an SDK's create of ""), whose empty segment collapses to `/keys/create`.
 */
export const operationNotSpecified = () => new BadParameterError('Operation not specified');

// Secure key release. The AKV.SKR texts are the real service's (its answers recorded by the SDKs' tests),
// as is the refusal of a target that is not an attestation token (auth's attestation authority); the
// other refusals of a release are this emulator's own, as no recording of them was found.

export const exportableNeedsPolicy = () =>
  new BadParameterError('AKV.SKR.1004: Exportable keys must have release policy.');

export const policyNeedsExportable = () =>
  new BadParameterError('AKV.SKR.1005: Non-exportable keys must not have release policy.');

export const immutablePolicy = () =>
  new BadParameterError('AKV.SKR.1020: Immutable Key Release Policy cannot be modified.');

export const exportableIsFixed = () =>
  new BadParameterError(
    'Invalid attributes.exportable: the exportable attribute of an existing key version cannot be changed.',
  );

export const keyNotExportable = () =>
  new ForbiddenError(
    'Operation release is not permitted on this key: it is not exportable (created without exportable and a release policy).',
    'KeyNotExportable',
  );

/** `issuerNamed`: whether the policy names the token's issuer at all (then its claims fell short). */
export const releasePolicyNotSatisfied = (issuerNamed: boolean) =>
  new ForbiddenError(
    issuerNamed
      ? "The attestation token does not satisfy the key's release policy: its claims do not meet the conditions of its authority."
      : "The attestation token does not satisfy the key's release policy: its issuer is not an authority of the policy.",
    'ReleasePolicyNotSatisfied',
  );
