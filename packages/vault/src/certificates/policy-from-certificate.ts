import type { KeyObject } from 'node:crypto';
import type { KeyType } from '../keys/key-types.ts';
import { type CertificatePolicy, type PolicyRequest, resolvePolicy } from './certificate-policy.ts';
import { KEY_USAGES, type KeyUsage, UNKNOWN_ISSUER } from './policy-rules.ts';
import { x509 } from './x509-provider.ts';

// The policy of an imported certificate: what the certificate itself says (subject, names, usages,
// validity, key), under whatever the request's policy sets explicitly. The issuer is Unknown: the
// vault did not issue it and cannot renew it.

const CURVES: Record<string, 'P-256' | 'P-384' | 'P-521'> = {
  prime256v1: 'P-256',
  secp384r1: 'P-384',
  secp521r1: 'P-521',
};
const DAY_MS = 86_400_000;

export function policyFromCertificate(
  certificateDer: Buffer,
  privateKey: KeyObject,
  input: PolicyRequest | undefined,
  now: number,
  base: CertificatePolicy | undefined,
): CertificatePolicy {
  const certificate = new x509.X509Certificate(certificateDer);
  const described: PolicyRequest = {
    key_props: { ...keyPropsOf(privateKey), exportable: true, reuse_key: false },
    x509_props: {
      subject: certificate.subject,
      sans: sansOf(certificate),
      ekus: certificate.getExtension(x509.ExtendedKeyUsageExtension)?.usages.map(String) ?? [],
      key_usage: usagesOf(certificate),
      validity_months: Math.max(
        1,
        Math.round((certificate.notAfter.getTime() - certificate.notBefore.getTime()) / (30.4375 * DAY_MS)),
      ),
    },
    issuer: { name: UNKNOWN_ISSUER },
  };
  const asked: PolicyRequest = input ?? {};
  return resolvePolicy(
    {
      ...described,
      ...asked,
      key_props: { ...described.key_props, ...pick(asked.key_props, ['exportable', 'reuse_key']) },
      x509_props: described.x509_props,
      issuer: described.issuer,
    },
    now,
    base,
  );
}

function keyPropsOf(key: KeyObject): { kty: KeyType; key_size?: number; crv?: string } {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') return { kty: 'RSA', key_size: details.modulusLength };
  return { kty: 'EC', crv: CURVES[details.namedCurve ?? ''] ?? 'P-256' };
}

function sansOf(certificate: x509.X509Certificate) {
  const items = certificate.getExtension(x509.SubjectAlternativeNameExtension)?.names.items ?? [];
  const of = (type: string) => items.filter((n) => n.type === type).map((n) => n.value);
  return {
    dns_names: of('dns'),
    emails: of('email'),
    upns: of('upn'),
    uris: of('url'),
    ipAddresses: of('ip'),
  };
}

function usagesOf(certificate: x509.X509Certificate): KeyUsage[] {
  const flags = certificate.getExtension(x509.KeyUsagesExtension)?.usages ?? 0;
  return KEY_USAGES.filter((usage) => (flags & x509.KeyUsageFlags[usage]) !== 0);
}

function pick<T extends object, K extends keyof T>(value: T | undefined, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (value?.[key] !== undefined && value?.[key] !== null) out[key] = value[key];
  return out;
}
