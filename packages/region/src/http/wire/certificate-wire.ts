import type {
  CertificatePolicy,
  CertificateVersion,
  DeletedCertificate,
  PendingOperation,
  VaultProperties,
} from '@vaultover/vault';
import { dropUndefined, wireAttributes } from './attributes.ts';

// JSON shapes of the certificates API (CertificateBundle, CertificateItem, CertificatePolicy,
// CertificateOperation, DeletedCertificateBundle, DeletedCertificateItem). A certificate's `kid` and
// `sid` name its managed key and secret: same name, same version.

export function policyBody(base: string, name: string, policy: CertificatePolicy) {
  return { id: `${base}/certificates/${name}/policy`, ...policy };
}

export function certificateBundle(
  base: string,
  vault: VaultProperties,
  certificate: CertificateVersion,
  policy?: CertificatePolicy | undefined,
) {
  const { name, version, doc } = certificate;
  // A version waiting for its merge has no certificate yet: the real service then names neither key
  // nor secret, and points at the operation instead.
  const waiting = doc.cer === undefined;
  return dropUndefined({
    id: `${base}/certificates/${name}/${version}`,
    kid: waiting ? undefined : `${base}/keys/${name}/${version}`,
    sid: waiting ? undefined : `${base}/secrets/${name}/${version}`,
    x5t: doc.x5t,
    cer: doc.cer,
    attributes: wireAttributes(doc.attributes, vault),
    tags: doc.tags,
    policy: policy ? policyBody(base, name, policy) : undefined,
    pending: waiting ? { id: `${base}/certificates/${name}/pending` } : undefined,
  });
}

/**
 * CertificateItem of a list: versionless `id` unless listing versions. Its attributes carry no
 * recoveryLevel or recoverableDays: the real service leaves them out of certificate lists.
 */
export function certificateItem(base: string, certificate: CertificateVersion, withVersion = false) {
  const { name, version, doc } = certificate;
  return dropUndefined({
    id: `${base}/certificates/${name}${withVersion ? `/${version}` : ''}`,
    x5t: doc.x5t,
    attributes: dropUndefined(doc.attributes),
    tags: doc.tags,
  });
}

function deletion(base: string, certificate: DeletedCertificate) {
  return {
    recoveryId: `${base}/deletedcertificates/${certificate.name}`,
    deletedDate: certificate.deletion.deletedDate,
    scheduledPurgeDate: certificate.deletion.scheduledPurgeDate,
  };
}

export function deletedCertificateBundle(
  base: string,
  vault: VaultProperties,
  certificate: DeletedCertificate,
  policy?: CertificatePolicy | undefined,
) {
  return { ...deletion(base, certificate), ...certificateBundle(base, vault, certificate, policy) };
}

export function deletedCertificateItem(base: string, certificate: DeletedCertificate) {
  return { ...deletion(base, certificate), ...certificateItem(base, certificate) };
}

/** CertificateOperation: the `pending` resource of a certificate; `target` once it is completed. */
export function operationBody(base: string, pending: PendingOperation) {
  const { name, operation } = pending;
  return dropUndefined({
    id: `${base}/certificates/${name}/pending`,
    issuer: operation.issuer,
    csr: operation.csr,
    cancellation_requested: operation.cancellation_requested,
    status: operation.status,
    status_details: operation.status_details,
    target: operation.status === 'completed' ? `${base}/certificates/${name}` : undefined,
    request_id: operation.request_id,
  });
}
