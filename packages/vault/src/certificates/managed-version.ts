import { type KeyObject, X509Certificate } from 'node:crypto';
import type { Sealer } from '../crypto/sealer.ts';
import { type KeyDoc, privateKeyContext } from '../keys/key-doc.ts';
import { materialOf } from '../keys/key-material.ts';
import { DEFAULT_EC_OPERATIONS, DEFAULT_RSA_OPERATIONS } from '../keys/key-types.ts';
import { type SecretDoc, valueContext } from '../secrets/secret-store.ts';
import type { Attributes } from '../store/object-repository.ts';
import { type CertificateDoc, thumbprintOf } from './certificate-doc.ts';
import type { CertificatePolicy } from './certificate-policy.ts';
import { buildPem } from './pem.ts';

// The three documents of a new certificate version: the certificate, its managed key (the private
// key sealed for its place) and its managed secret (PFX or PEM, sealed). As in the real service the
// three share name, version and validity; the secret carries the private key only when exportable.

export interface VersionMaterial {
  certificateDer: Buffer;
  privateKey: KeyObject;
  /** The certificates that follow the leaf in its chain (a merge's x5c), carried by the secret. */
  chain?: readonly Buffer[] | undefined;
}

export interface VersionDocs {
  certificate: CertificateDoc;
  key: KeyDoc;
  secret: SecretDoc;
}

export interface VersionPlace {
  vault: string;
  name: string;
  version: string;
  now: number;
  enabled: boolean;
  tags?: Record<string, string> | undefined;
  /** The certificate's version before this one, which the secret names; none for a first version. */
  previousVersion?: string | undefined;
}

export async function versionDocs(
  sealer: Sealer,
  place: VersionPlace,
  policy: CertificatePolicy,
  material: VersionMaterial,
): Promise<VersionDocs> {
  const certificate = new X509Certificate(material.certificateDer);
  const validity = {
    nbf: Math.floor(new Date(certificate.validFrom).getTime() / 1000),
    exp: Math.floor(new Date(certificate.validTo).getTime() / 1000),
  };
  const key = materialOf(material.privateKey);
  const exported = policy.key_props.exportable ? key.privateKeyDer : undefined;
  const { buildPkcs12 } = await import('./pkcs12.ts');
  const value =
    policy.secret_props.contentType === 'application/x-pem-file'
      ? buildPem(material.certificateDer, exported, material.chain)
      : (await buildPkcs12(material.certificateDer, exported, material.chain)).toString('base64');
  const certificateFields = {
    cer: material.certificateDer.toString('base64'),
    x5t: thumbprintOf(material.certificateDer),
  };
  return linkedDocs(sealer, place, policy, { key, value, validity, certificateFields });
}

/**
 * The three documents of a version waiting for its merge (issuer `Unknown`): the certificate without
 * X.509 (`cer`, `x5t`), the key pair the CSR was made for, and a secret with an empty value (nothing
 * to download yet). `place.enabled` is false for all three, as the real service shows the version.
 */
export function pendingVersionDocs(
  sealer: Sealer,
  place: VersionPlace,
  policy: CertificatePolicy,
  privateKey: KeyObject,
  validity: { nbf: number; exp: number },
): VersionDocs {
  const key = materialOf(privateKey);
  return linkedDocs(sealer, place, policy, { key, value: '', validity, certificateFields: {} });
}

interface LinkedParts {
  key: ReturnType<typeof materialOf>;
  /** The managed secret's value, before sealing. */
  value: string;
  validity: { nbf: number; exp: number };
  certificateFields: Pick<CertificateDoc, 'cer' | 'x5t'>;
}

/** Seals the key and the secret's value for their place; wipes the private key bytes once sealed. */
function linkedDocs(
  sealer: Sealer,
  place: VersionPlace,
  policy: CertificatePolicy,
  parts: LinkedParts,
): VersionDocs {
  const { vault, name, version } = place;
  const { key } = parts;
  const attributes: Attributes = {
    enabled: place.enabled,
    ...parts.validity,
    created: place.now,
    updated: place.now,
  };
  const docs: VersionDocs = {
    certificate: { ...parts.certificateFields, attributes, tags: place.tags },
    key: {
      kty: policy.key_props.kty,
      keyOps: [...(policy.key_props.kty.startsWith('RSA') ? DEFAULT_RSA_OPERATIONS : DEFAULT_EC_OPERATIONS)],
      publicJwk: key.publicJwk,
      privateKey: sealer.seal(key.privateKeyDer, privateKeyContext(vault, name, version)),
      keySize: key.keySize,
      managed: true,
      attributes: { ...attributes },
    },
    secret: {
      value: sealer.seal(parts.value, valueContext(vault, name, version)),
      contentType: policy.secret_props.contentType,
      managed: true,
      // Relative: the wire turns it into a URL on the request's own origin.
      kid: `/keys/${name}/${version}`,
      previousVersion: place.previousVersion,
      attributes: { ...attributes },
    },
  };
  key.privateKeyDer.fill(0);
  return docs;
}
