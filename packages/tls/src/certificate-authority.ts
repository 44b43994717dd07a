import { randomBytes } from 'node:crypto';
import { generateEcKeyPair, privateKeyToPem, SIGNING_ALGORITHM } from './keys.ts';
import { pemBundle } from './pem-bundle.ts';

/** A CA certificate with its private key, both as saved on disk. */
export interface CertificateAuthorityPems {
  certPem: string;
  keyPem: string;
}

const CA_VALIDITY_DAYS = 3650;
const DAY_MS = 86_400_000;
// Tolerates clients whose clock is a little behind the machine that generated the CA.
export const BACKDATE_MS = 3_600_000;

/**
 * Creates a self-signed local CA valid for ten years. The random suffix in its name tells
 * apart the CAs of different checkouts in a user's trust store.
 */
export async function createCertificateAuthority(now: Date): Promise<CertificateAuthorityPems> {
  const { x509 } = await import('./x509-provider.ts');
  const keys = await generateEcKeyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=Vaultover Local CA ${randomBytes(4).toString('hex')}, O=Vaultover`,
    keys,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(now.getTime() + CA_VALIDITY_DAYS * DAY_MS),
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      // pathLength 0: this CA signs only leaf certificates. Strict verifiers (Python 3.13+)
      // want basicConstraints critical, keyUsage present and a subject key identifier.
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: pemBundle(cert.toString('pem')), keyPem: privateKeyToPem(keys.privateKey) };
}
