import { createHash } from 'node:crypto';
import type { DeletedObject, ObjectVersion, VersionDoc } from '../store/object-repository.ts';

/**
 * A stored certificate version: the certificate itself (public). Its key pair is the managed key of
 * the same name and version (sealed there), its secret form (PFX or PEM) the managed secret. A version
 * waiting for its merge (issuer `Unknown`) has no certificate yet: no `cer`, no `x5t`.
 */
export interface CertificateDoc extends VersionDoc {
  /** The X.509 certificate, DER, base64. */
  cer?: string | undefined;
  /** SHA-1 thumbprint of the DER, base64url (the wire's `x5t`). */
  x5t?: string | undefined;
}

export type CertificateVersion = ObjectVersion<CertificateDoc>;
export type DeletedCertificate = DeletedObject<CertificateDoc>;

/** Slot of the certificate's creation operation (what `GET /certificates/{name}/pending` shows). */
export const OPERATION_SLOT = 'pending';

/** The creation operation of a certificate, kept as the `pending` attachment of the certificate object. */
export interface CertificateOperation {
  issuer: { name: string; cty?: string; cert_transparency?: boolean };
  /** The PKCS#10 request of the new key, DER, base64. */
  csr: string;
  cancellation_requested: boolean;
  status: 'inProgress' | 'completed' | 'failed' | 'cancelled';
  status_details?: string;
  request_id: string;
  /**
   * A self-signed creation under a creation delay (delayed-issuance.ts): when it completes, ms since
   * the epoch on the simulated clock, and whether the version is then enabled. Never on the wire.
   */
  delayed?: { due: number; enabled: boolean } | undefined;
}

export function thumbprintOf(der: Buffer): string {
  return createHash('sha1').update(der).digest('base64url');
}
