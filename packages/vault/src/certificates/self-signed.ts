import { createPublicKey, type KeyObject, randomBytes, type webcrypto } from 'node:crypto';
import type { CertificatePolicy } from './certificate-policy.ts';
import type { KeyUsage } from './policy-rules.ts';
import { parseSubject } from './subject-name.ts';
import { x509 } from './x509-provider.ts';

// Issues the X.509 certificate of a Self-issued policy and the CSR the pending operation shows (for
// issuer Unknown, the CSR alone), with @peculiar/x509. The key comes from node:crypto as a KeyObject,
// handed to WebCrypto as it is (no DER copy of it is made here), and only borrowed.

/** A freshly issued certificate (DER) with its validity, and the CSR of the same key. */
export interface Issued {
  certificateDer: Buffer;
  csrDer: Buffer;
  notBefore: Date;
  notAfter: Date;
}

const USAGE_FLAGS: Record<KeyUsage, number> = {
  digitalSignature: x509.KeyUsageFlags.digitalSignature,
  nonRepudiation: x509.KeyUsageFlags.nonRepudiation,
  keyEncipherment: x509.KeyUsageFlags.keyEncipherment,
  dataEncipherment: x509.KeyUsageFlags.dataEncipherment,
  keyAgreement: x509.KeyUsageFlags.keyAgreement,
  keyCertSign: x509.KeyUsageFlags.keyCertSign,
  cRLSign: x509.KeyUsageFlags.cRLSign,
  encipherOnly: x509.KeyUsageFlags.encipherOnly,
  decipherOnly: x509.KeyUsageFlags.decipherOnly,
};
const EC_HASH: Record<string, string> = { 'P-256': 'SHA-256', 'P-384': 'SHA-384', 'P-521': 'SHA-512' };

/** Signs a certificate for `policy` with its own key, valid from `now` for the policy's months. */
export async function issueSelfSigned(
  policy: CertificatePolicy,
  privateKey: KeyObject,
  now: Date,
): Promise<Issued> {
  const keys = cryptoKeys(policy, privateKey);
  const name = new x509.Name(parseName(policy.x509_props.subject));
  const extensions = await extensionsOf(policy, keys.publicKey);
  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const notAfter = addMonths(notBefore, policy.x509_props.validity_months);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name,
    notBefore,
    notAfter,
    keys,
    signingAlgorithm: keys.signingAlgorithm,
    extensions,
  });
  return {
    certificateDer: Buffer.from(certificate.rawData),
    csrDer: await requestFor(name, keys, extensions),
    notBefore,
    notAfter,
  };
}

/**
 * The PKCS#10 request of a certificate to be signed elsewhere (issuer `Unknown`): the policy's subject,
 * and its key usages, EKUs and SANs as requested extensions, signed with the new key.
 */
export async function certificateRequest(policy: CertificatePolicy, privateKey: KeyObject): Promise<Buffer> {
  const keys = cryptoKeys(policy, privateKey);
  const name = new x509.Name(parseName(policy.x509_props.subject));
  return requestFor(name, keys, await extensionsOf(policy, keys.publicKey));
}

async function requestFor(
  name: x509.Name,
  keys: ReturnType<typeof cryptoKeys>,
  extensions: x509.Extension[],
): Promise<Buffer> {
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name,
    keys,
    signingAlgorithm: keys.signingAlgorithm,
    // The subject key identifier is the issuer's to add; the real service's CSRs do not carry it.
    extensions: extensions.filter((e) => !(e instanceof x509.SubjectKeyIdentifierExtension)),
  });
  return Buffer.from(csr.rawData);
}

async function extensionsOf(
  policy: CertificatePolicy,
  publicKey: webcrypto.CryptoKey,
): Promise<x509.Extension[]> {
  const { key_usage, ekus, sans } = policy.x509_props;
  const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(false, undefined, false)];
  if (key_usage.length > 0) {
    const flags = key_usage.reduce((all, usage) => all | USAGE_FLAGS[usage], 0);
    extensions.push(new x509.KeyUsagesExtension(flags, true));
  }
  if (ekus && ekus.length > 0) extensions.push(new x509.ExtendedKeyUsageExtension(ekus));
  const names = [
    ...(sans?.dns_names ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(sans?.emails ?? []).map((value) => ({ type: 'email' as const, value })),
    ...(sans?.upns ?? []).map((value) => ({ type: 'upn' as const, value })),
    ...(sans?.uris ?? []).map((value) => ({ type: 'url' as const, value })),
    ...(sans?.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  // Without a subject the names are the certificate's identity, so the extension is critical (RFC 5280).
  if (names.length > 0)
    extensions.push(new x509.SubjectAlternativeNameExtension(names, policy.x509_props.subject === ''));
  extensions.push(await x509.SubjectKeyIdentifierExtension.create(publicKey));
  return extensions;
}

function cryptoKeys(policy: CertificatePolicy, privateKey: KeyObject) {
  const publicKey = createPublicKey(privateKey);
  const crv = policy.key_props.crv;
  const [importAlgorithm, signingAlgorithm] = crv
    ? [
        { name: 'ECDSA', namedCurve: crv },
        { name: 'ECDSA', hash: EC_HASH[crv] ?? 'SHA-256' },
      ]
    : [
        { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
        { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      ];
  return {
    privateKey: privateKey.toCryptoKey(importAlgorithm, false, ['sign']),
    publicKey: publicKey.toCryptoKey(importAlgorithm, true, ['verify']),
    signingAlgorithm,
  };
}

function parseName(subject: string) {
  return subject === '' ? [] : parseSubject(subject);
}

/** Calendar months, clamped to the last day of the target month (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(from: Date, months: number): Date {
  const target = new Date(from.getTime());
  const day = target.getUTCDate();
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target;
}

/** 16 random bytes, positive (top bit clear) as RFC 5280 wants serial numbers. */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}
