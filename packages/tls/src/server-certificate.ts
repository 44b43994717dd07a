import { X509Certificate } from 'node:crypto';
import { BACKDATE_MS, type CertificateAuthorityPems } from './certificate-authority.ts';
import { type SubjectName, toSubjectName } from './hostnames.ts';
import { generateEcKeyPair, pemToSigningKey, privateKeyToPem, SIGNING_ALGORITHM } from './keys.ts';
import { pemBundle } from './pem-bundle.ts';

/** A leaf certificate (without chain) and its private key, as PEM. */
export interface ServerCertificatePems {
  certPem: string;
  keyPem: string;
}

// 397 days stays under every client's cap (browsers: 398 days for public CAs; Apple: 825 days
// for any CA; Node and OpenSSL: none). Short is harmless: start-up re-issues under the same CA.
const SERVER_VALIDITY_DAYS = 397;
const DAY_MS = 86_400_000;

/** Issues a serverAuth certificate for `names`, signed by `ca`, never outliving the CA. */
export async function issueServerCertificate(
  ca: CertificateAuthorityPems,
  names: readonly SubjectName[],
  now: Date,
): Promise<ServerCertificatePems> {
  const { x509 } = await import('./x509-provider.ts');
  const caCert = new x509.X509Certificate(ca.certPem);
  const keys = await generateEcKeyPair();
  const notAfter = Math.min(now.getTime() + SERVER_VALIDITY_DAYS * DAY_MS, caCert.notAfter.getTime());
  const cert = await x509.X509CertificateGenerator.create({
    subject: 'CN=Vaultover Local Server, O=Vaultover',
    issuer: caCert.subjectName,
    publicKey: keys.publicKey,
    signingKey: pemToSigningKey(ca.keyPem),
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(notAfter),
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names.map((name) => ({ type: name.type, value: name.value }))),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey),
    ],
  });
  return { certPem: pemBundle(cert.toString('pem')), keyPem: privateKeyToPem(keys.privateKey) };
}

/**
 * The DNS and IP names the first certificate in `certPem` lists, canonicalised like configured
 * hostnames so they compare equal. Other name types and names we would not issue are skipped. Read with
 * node:crypto: every start reads them, and @peculiar/x509 is loaded only to issue a certificate.
 */
export function subjectNamesOf(certPem: string): SubjectName[] {
  const names: SubjectName[] = [];
  // Node lists them as `DNS:a, IP Address:b, …`, a value with a separator in it quoted.
  for (const entry of new X509Certificate(certPem).subjectAltName?.split(', ') ?? []) {
    const [, type, value] = /^(DNS|IP Address):(.+)$/.exec(entry) ?? [];
    if (type === undefined || value === undefined) continue;
    try {
      names.push(toSubjectName(value));
    } catch {
      // A hand-made certificate may carry names outside our syntax; they just don't count.
    }
  }
  return names;
}
