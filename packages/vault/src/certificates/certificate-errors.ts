import { BadParameterError, ConflictError, ForbiddenError, NotFoundError, VaultError } from '../errors.ts';
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

/** An issuer other than Self and Unknown: issuing through a CA's account is not modelled. */
export function issuerUnsupported(issuer: string): BadParameterError {
  return new BadParameterError(
    `Invalid policy: 'issuer.name' ${issuer.slice(0, 60)} (a certificate authority's account) is not supported by this emulator; ` +
      'use issuer Self, or Unknown and merge the certificate your CA signs.',
  );
}

/** Create or import over an operation in progress (real code and text: "Monitor and manage certificate creation"). */
export function pendingInProgress(): VaultError {
  return new VaultError(
    409,
    'Forbidden',
    "A new key vault certificate can not be created or imported while a pending key vault certificate's status is inProgress.",
  );
}

/** Merge into an operation a CA works on (the real text, its spelling included). */
export function mergeForbidden(issuer: string): ForbiddenError {
  return new ForbiddenError(
    `Merge is forbidden on pending object created with issuer : ${issuer} while it is in progess.`,
  );
}

/** Merge or cancellation of an operation that is over (completed, failed or cancelled). */
export function pendingNotInProgress(name: string, status: string): BadParameterError {
  return new BadParameterError(
    `The pending certificate operation of ${name} is ${status}, not inProgress: there is nothing to merge or cancel. ` +
      'Create the certificate again for a new operation.',
  );
}

/** x5c without a certificate that can be read (the real text, as quoted by Microsoft support). */
export function invalidX5c(): BadParameterError {
  return new BadParameterError('Property x5c has invalid value X5C must has at least one valid item');
}

/** The merged leaf is not for the key of the pending request (real wording unconfirmed). */
export function mergeKeyMismatch(): BadParameterError {
  return new BadParameterError("Public key from x509 certificate and key of this instance doesn't match");
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
