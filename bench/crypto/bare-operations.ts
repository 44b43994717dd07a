import {
  constants as cryptoConstants,
  generateKeyPairSync,
  type KeyObject,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  sign,
} from 'node:crypto';
import type { BareOperation } from './bare-crypto-spec.ts';

/** One operation, synchronously, and (for signatures) through libuv's pool. */
export interface BareWork {
  sync(): void;
  pooled?: () => Promise<void>;
}

/**
 * The bare node:crypto equivalent of each region operation, with a key of the same type made here.
 * Signatures go through node's sign(), which hashes the 32-byte input first: the hash of 32 bytes
 * costs well under a microsecond, so it is the same work as the region's signing of a digest.
 */
export function bareWork(operation: BareOperation): BareWork {
  const input = randomBytes(32);
  if (operation === 'ec-p256-sign') {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const key = { key: privateKey, dsaEncoding: 'ieee-p1363' as const };
    return signing(() => sign('sha256', input, key), key, input);
  }
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  if (operation === 'rsa-2048-sign')
    return signing(() => sign('sha256', input, privateKey), privateKey, input);
  const oaep = { padding: cryptoConstants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' };
  const ciphertext = publicEncrypt({ key: publicKey, ...oaep }, input);
  return { sync: () => void privateDecrypt({ key: privateKey, ...oaep }, ciphertext) };
}

function signing(once: () => Buffer, key: KeyObject | { key: KeyObject }, input: Buffer): BareWork {
  return {
    sync: () => void once(),
    pooled: () =>
      new Promise<void>((resolve, reject) =>
        sign('sha256', input, key, (error) => (error ? reject(error) : resolve())),
      ),
  };
}
