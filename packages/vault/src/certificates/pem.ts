import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { CodedError } from '@vaultover/foundation';

// PEM bundles: the managed secret of an `application/x-pem-file` certificate (private key, then the
// certificate), and the PEM files clients import.

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;
const KEY_BLOCKS = new Set(['PRIVATE KEY', 'RSA PRIVATE KEY', 'EC PRIVATE KEY', 'ENCRYPTED PRIVATE KEY']);

/** The contents of a PEM bundle: its private key block (as text) if it has one, and its certificates (DER). */
export interface PemContents {
  privateKeyPem: string | undefined;
  certificates: Buffer[];
}

/** Thrown when text has no PEM block a certificate import can use. */
export class PemError extends CodedError {
  readonly code = 'PemInvalid';
}

/** PKCS#8 private key (when given), then the certificate, then its chain: as the real service writes the secret. */
export function buildPem(
  certificateDer: Buffer,
  privateKeyDer?: Buffer,
  chain: readonly Buffer[] = [],
): string {
  const certificates = [certificateDer, ...chain].map((der) => new X509Certificate(der).toString()).join('');
  if (!privateKeyDer) return certificates;
  const key = createPrivateKey({ key: privateKeyDer, format: 'der', type: 'pkcs8' });
  return `${key.export({ type: 'pkcs8', format: 'pem' }).toString()}${certificates}`;
}

export function readPem(text: string): PemContents {
  const contents: PemContents = { privateKeyPem: undefined, certificates: [] };
  for (const match of text.matchAll(BLOCK)) {
    const [block, label] = match;
    if (label === 'CERTIFICATE') {
      try {
        contents.certificates.push(Buffer.from(new X509Certificate(block).raw));
      } catch {
        throw new PemError('a CERTIFICATE block does not hold an X.509 certificate');
      }
    } else if (label && KEY_BLOCKS.has(label) && !contents.privateKeyPem) {
      contents.privateKeyPem = block;
    }
  }
  if (contents.certificates.length === 0) throw new PemError('the content has no CERTIFICATE block');
  return contents;
}

/** Opens a PEM private key block; undefined when it does not open (malformed, or the password is wrong). */
export function openPemKey(pem: string, password: string | undefined): KeyObject | undefined {
  try {
    return createPrivateKey(password ? { key: pem, passphrase: password } : { key: pem });
  } catch {
    // Node says the same for a wrong password and a broken block; the caller refuses both alike.
    return undefined;
  }
}
