import { createPrivateKey, X509Certificate } from 'node:crypto';

// Renewing a month ahead means a server restarted at any point in that month gets a fresh
// certificate before clients start failing.
const RENEW_BEFORE_MS = 30 * 86_400_000;

/** True when `certPem` parses, is a CA, matches `keyPem`, and stays valid for 30 more days. */
export function isUsableCa(certPem: string, keyPem: string, now: Date): boolean {
  const cert = parseCertificate(certPem);
  if (cert === undefined) return false;
  // No notBefore check: after a clock jump backwards, a new CA would cost users their trust
  // setup and fix nothing.
  return cert.ca && outlives(cert, now) && keyMatches(cert, keyPem);
}

/**
 * True when the server certificate (first PEM block of `certPem`) was issued by the CA in
 * `caPem`, matches `keyPem`, and stays valid for 30 more days.
 */
export function isUsableServerCertificate(
  certPem: string,
  keyPem: string,
  caPem: string,
  now: Date,
): boolean {
  const cert = parseCertificate(certPem);
  const ca = parseCertificate(caPem);
  if (cert === undefined || ca === undefined) return false;
  const issuedByCa = cert.checkIssued(ca) && cert.verify(ca.publicKey);
  return issuedByCa && cert.validFromDate <= now && outlives(cert, now) && keyMatches(cert, keyPem);
}

function outlives(cert: X509Certificate, now: Date): boolean {
  return cert.validToDate.getTime() - now.getTime() > RENEW_BEFORE_MS;
}

function keyMatches(cert: X509Certificate, keyPem: string): boolean {
  try {
    return cert.checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return false; // an unreadable key matches nothing: the material is issued anew
  }
}

// Node parses the first certificate of a PEM bundle, which is the leaf in server.pem.
function parseCertificate(pem: string): X509Certificate | undefined {
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined; // not a certificate: treated as missing, and issued anew
  }
}
