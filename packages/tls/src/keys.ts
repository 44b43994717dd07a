import { createPrivateKey, KeyObject, webcrypto } from 'node:crypto';

type CryptoKey = webcrypto.CryptoKey;

const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** Signature algorithm for everything this module signs. */
export const SIGNING_ALGORITHM = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** A fresh ECDSA P-256 key pair; extractable so the private half can be saved as PEM. */
export async function generateEcKeyPair(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify']);
}

/** PKCS#8 PEM, the form `https.createServer({ key })` and OpenSSL tools read. */
export function privateKeyToPem(key: CryptoKey): string {
  return KeyObject.from(key).export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** Loads a saved PEM private key as a WebCrypto signing key for @peculiar/x509. */
export function pemToSigningKey(pem: string): CryptoKey {
  return createPrivateKey(pem).toCryptoKey(EC_P256, false, ['sign']);
}
