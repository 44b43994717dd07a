import { webcrypto } from 'node:crypto';

/**
 * Imports the deployment key once as a non-extractable WebCrypto key. Handing jose raw bytes
 * instead makes it re-import the key on every sign or verify.
 */
export function importHmacKey(secret: Uint8Array, usage: 'sign' | 'verify'): Promise<webcrypto.CryptoKey> {
  return webcrypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);
}
