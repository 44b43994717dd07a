import { BadParameterError, ConflictError, ForbiddenError, NotFoundError } from '../errors.ts';
import type { ObjectKind } from '../object-kind.ts';

// Refusals specific to certificates. Codes follow the real service where known (PendingCertificateNotFound:
// Key Vault's "Monitor and manage certificate creation" doc); messages are this emulator's own wording.

export function pendingNotFound(name: string): NotFoundError {
  return new NotFoundError('PendingCertificateNotFound', `Pending certificate not found: ${name}`);
}

export function policyRequired(name: string): BadParameterError {
  return new BadParameterError(
    `Invalid certificate: 'policy' is required to create certificate ${name}, which has no policy yet.`,
  );
}

/** Issuer Unknown means "merge a certificate issued elsewhere later": the merge step is not modelled. */
export function manualIssuanceUnsupported(): BadParameterError {
  return new BadParameterError(
    "Invalid policy: 'issuer.name' Unknown (a certificate to be merged later) is not supported by this emulator; " +
      'use issuer Self, or import the certificate with its private key.',
  );
}

/** A linked change lost a compare-and-set race with another writer: retried, then reported. */
export class LinkedChangedError extends ConflictError {
  constructor(name: string) {
    super(`The certificate ${name} kept changing under this request (other writers); retry the request.`);
  }
}

/**
 * The managed key or secret of a certificate cannot be changed through the keys or secrets API: it
 * lives and dies with its certificate. (Real-service wording unconfirmed; the status is 403.)
 */
export function managedObjectRefused(kind: ObjectKind, name: string, operation: string): ForbiddenError {
  return new ForbiddenError(
    `Operation ${operation} is not allowed on ${kind.noun} ${name}: it is managed by certificate ${name}. ` +
      'Use the certificates API to change or delete it.',
    `Managed${kind.title}`,
  );
}
