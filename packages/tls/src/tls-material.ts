import { mkdir } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-write.ts';
import { type CertificateAuthorityPems, createCertificateAuthority } from './certificate-authority.ts';
import { withDirectoryLock } from './directory-lock.ts';
import { coversAll, type SubjectName, subjectNamesFor, uniqueNames } from './hostnames.ts';
import { isUsableCa, isUsableServerCertificate } from './material-checks.ts';
import { pemBundle } from './pem-bundle.ts';
import { issueServerCertificate, subjectNamesOf } from './server-certificate.ts';
import { readIfPresent, type TlsFiles, tlsFiles } from './tls-files.ts';

/** Options for {@link ensureTlsMaterial}. */
export interface TlsMaterialOptions {
  /** Data directory for the PEM files, e.g. `.vaultover/tls`; created (0700) if missing. */
  dir: string;
  /** Extra DNS names or IPs the server certificate must cover, beyond localhost and loopback. */
  hostnames?: readonly string[];
  /** Wall-clock time used for validity decisions; tests set it to simulate ageing. */
  now?: Date;
}

/** PEM material ready for `https.createServer({ key: keyPem, cert: certPem })`. */
export interface TlsMaterial extends TlsFiles {
  /** CA certificate; clients trust this (NODE_EXTRA_CA_CERTS=caFile). */
  caPem: string;
  /** Server certificate followed by the CA certificate. */
  certPem: string;
  /** Server private key, PKCS#8. */
  keyPem: string;
  /** What this call wrote. A new CA means clients must (re-)trust `caFile`. */
  created: { ca: boolean; serverCertificate: boolean };
}

const PUBLIC = 0o644;
const PRIVATE = 0o600;

/**
 * Returns the local CA and server certificate in `dir`, creating what is missing. An existing
 * CA is kept so users keep trusting it; the server certificate is re-issued under it when it
 * lacks a requested hostname or expires within 30 days. Safe when several processes start at
 * once on the same directory: generation happens under a lock file and each file is replaced
 * atomically, so readers never see a torn mix.
 */
export async function ensureTlsMaterial(options: TlsMaterialOptions): Promise<TlsMaterial> {
  const files = tlsFiles(options.dir);
  const names = subjectNamesFor(options.hostnames ?? []);
  const now = options.now ?? new Date();
  // Fast path without the lock: an up-to-date directory may even be read-only.
  const current = await readUsable(files, names, now);
  if (current) return current;
  await mkdir(options.dir, { recursive: true, mode: 0o700 });
  return withDirectoryLock(options.dir, async () => {
    // Another process may have done the work while this one waited for the lock.
    return (await readUsable(files, names, now)) ?? (await renew(files, names, now));
  });
}

async function readUsable(
  files: TlsFiles,
  names: SubjectName[],
  now: Date,
): Promise<TlsMaterial | undefined> {
  const [caPem, certPem, keyPem] = await Promise.all([
    readIfPresent(files.caFile),
    readIfPresent(files.certFile),
    readIfPresent(files.keyFile),
  ]);
  if (caPem === undefined || certPem === undefined || keyPem === undefined) return undefined;
  if (!isUsableServerCertificate(certPem, keyPem, caPem, now)) return undefined;
  if (!coversAll(subjectNamesOf(certPem), names)) return undefined;
  return { ...files, caPem, certPem, keyPem, created: { ca: false, serverCertificate: false } };
}

// Caller holds the lock.
async function renew(files: TlsFiles, names: SubjectName[], now: Date): Promise<TlsMaterial> {
  const existingCa = await readUsableCa(files, now);
  const ca = existingCa ?? (await createCertificateAuthority(now));
  if (!existingCa) {
    await writeFileAtomic(files.caKeyFile, ca.keyPem, PRIVATE);
    await writeFileAtomic(files.caFile, ca.certPem, PUBLIC);
  }
  // Keep names an earlier start asked for, so processes configured with different extra
  // hostnames converge on one certificate instead of re-issuing it on every start.
  const previousNames = await previousServerNames(files);
  const server = await issueServerCertificate(ca, uniqueNames([...names, ...previousNames]), now);
  const certPem = pemBundle(server.certPem, ca.certPem);
  await writeFileAtomic(files.keyFile, server.keyPem, PRIVATE);
  await writeFileAtomic(files.certFile, certPem, PUBLIC);
  return {
    ...files,
    caPem: ca.certPem,
    certPem,
    keyPem: server.keyPem,
    created: { ca: !existingCa, serverCertificate: true },
  };
}

async function readUsableCa(files: TlsFiles, now: Date): Promise<CertificateAuthorityPems | undefined> {
  const [certPem, keyPem] = await Promise.all([readIfPresent(files.caFile), readIfPresent(files.caKeyFile)]);
  if (certPem === undefined || keyPem === undefined) return undefined;
  return isUsableCa(certPem, keyPem, now) ? { certPem, keyPem } : undefined;
}

async function previousServerNames(files: TlsFiles): Promise<SubjectName[]> {
  const certPem = await readIfPresent(files.certFile);
  try {
    return certPem === undefined ? [] : subjectNamesOf(certPem);
  } catch {
    return []; // an unreadable old certificate has no names to keep: the new one gets the configured ones
  }
}
