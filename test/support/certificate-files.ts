import { execFileSync } from 'node:child_process';
import { createPrivateKey, type KeyObject, verify, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';

// Certificate files made and read by tools independent of the emulator: OpenSSL's command line
// makes the files clients import, Node's OpenSSL-backed X509Certificate and TLS context read what
// the vault hands out (a TLS context refuses a PFX whose key does not match its certificate).

/** A self-signed certificate with its key, made by `openssl req`: PEM (key + cert) and a PFX (AES, PBES2). */
export interface OpensslCertificate {
  pem: string;
  certificate: X509Certificate;
  pfx: Buffer;
}

export function opensslCertificate(
  subject: string,
  keyArgs: string[],
  pfxPassword: string,
): OpensslCertificate {
  const dir = mkdtempSync(join(tmpdir(), 'vaultover-openssl-'));
  try {
    const [key, cert, pfx] = ['key.pem', 'cert.pem', 'cert.pfx'].map((f) => join(dir, f)) as [
      string,
      string,
      string,
    ];
    const run = (args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
    run([
      'req',
      '-x509',
      ...keyArgs,
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-subj',
      subject,
      '-days',
      '60',
    ]);
    run(['pkcs12', '-export', '-in', cert, '-inkey', key, '-out', pfx, '-passout', `pass:${pfxPassword}`]);
    const certPem = readFileSync(cert, 'utf8');
    return {
      pem: `${readFileSync(key, 'utf8')}${certPem}`,
      certificate: new X509Certificate(certPem),
      pfx: readFileSync(pfx),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A PFX (bytes) without password read by OpenSSL through a TLS context: throws unless key and certificate match. */
export function checkPfx(pfx: Buffer): void {
  createSecureContext({ pfx });
}

/** The private key and certificate of a PEM bundle, checked to belong together. */
export function checkPem(pem: string): { privateKey: KeyObject; certificate: X509Certificate } {
  const privateKey = createPrivateKey(pem);
  const certificate = new X509Certificate(pem);
  if (!certificate.checkPrivateKey(privateKey))
    throw new Error('the PEM private key does not match its certificate');
  return { privateKey, certificate };
}

/** Verifies a signature the vault made (RS256/ES256/ES384 as the service encodes them) with a certificate's key. */
export function verifiesWith(
  certificate: X509Certificate,
  data: Buffer,
  signature: Uint8Array,
  alg: string,
): boolean {
  const hash = `sha${alg.slice(2)}`;
  const key = certificate.publicKey;
  const dsaEncoding = alg.startsWith('ES') ? ('ieee-p1363' as const) : undefined;
  return verify(hash, data, dsaEncoding ? { key, dsaEncoding } : key, signature);
}

/** A certificate authority made by `openssl req -x509`, signing requests with `openssl x509 -req`. */
export interface OpensslCa {
  certificate: X509Certificate;
  /** Signs a PKCS#10 request (DER), copying its requested extensions (SANs, usages); the leaf as DER. */
  sign(csrDer: Uint8Array): Buffer;
  close(): void;
}

export function opensslCa(subject: string): OpensslCa {
  const dir = mkdtempSync(join(tmpdir(), 'vaultover-ca-'));
  const file = (name: string) => join(dir, name);
  const run = (args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  run([
    ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('ca.key'), '-out', file('ca.pem')],
    ...['-subj', subject, '-days', '30'],
  ]);
  let serial = 0;
  return {
    certificate: new X509Certificate(readFileSync(file('ca.pem'))),
    sign(csrDer) {
      serial += 1;
      const [csr, leaf] = [file(`${serial}.csr`), file(`${serial}.der`)];
      writeFileSync(csr, csrDer);
      run([
        ...['x509', '-req', '-inform', 'DER', '-in', csr, '-CA', file('ca.pem'), '-CAkey', file('ca.key')],
        ...['-set_serial', String(serial), '-days', '30', '-copy_extensions', 'copy'],
        ...['-outform', 'DER', '-out', leaf],
      ]);
      return readFileSync(leaf);
    },
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** What `openssl pkcs12` reads from a password-less PFX: the leaf (`-clcerts`), the chain (`-cacerts`), the key. */
export interface OpensslPfxParts {
  /** DER, base64, of each certificate `-clcerts` writes: the ones a key bag is paired with. */
  leaf: string[];
  /** DER, base64, of each certificate `-cacerts` writes. */
  chain: string[];
  /** PKCS#8 DER, base64, of the key `-nocerts -nodes` writes; undefined when it writes none. */
  key: string | undefined;
}

export function opensslPfxParts(pfx: Buffer): OpensslPfxParts {
  const dir = mkdtempSync(join(tmpdir(), 'vaultover-pfx-'));
  try {
    const file = join(dir, 'secret.pfx');
    writeFileSync(file, pfx);
    const read = (...options: string[]) =>
      execFileSync('openssl', ['pkcs12', '-in', file, '-passin', 'pass:', ...options], {
        stdio: 'pipe',
      }).toString();
    const certificates = (pem: string) =>
      [...pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((match) =>
        Buffer.from(new X509Certificate(match[0]).raw).toString('base64'),
      );
    const keyBlock = read('-nocerts', '-nodes').match(
      /-----BEGIN PRIVATE KEY-----[\s\S]*?-----END PRIVATE KEY-----/,
    )?.[0];
    return {
      leaf: certificates(read('-clcerts', '-nokeys')),
      chain: certificates(read('-cacerts', '-nokeys')),
      key: keyBlock
        ? createPrivateKey(keyBlock).export({ type: 'pkcs8', format: 'der' }).toString('base64')
        : undefined,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
