import { constants, type KeyObject, privateEncrypt, publicDecrypt, timingSafeEqual } from 'node:crypto';
import type { HashSpec } from './algorithms.ts';

// RSASSA-PKCS1-v1_5 over a digest the caller computed (RS256/384/512). Node's sign() hashes its
// input itself (even with a null algorithm it hashes with the key's default, SHA-256), so the
// DigestInfo is built here and padded with RSA_PKCS1_PADDING by privateEncrypt: EMSA-PKCS1-v1_5
// type 1 padding, exactly what a hash-and-sign implementation produces (RFC 8017 §9.2).

/** DER of DigestInfo up to the digest itself, per hash (RFC 8017 §9.2, note 1). */
const DIGEST_INFO_PREFIX: Record<string, Buffer> = {
  sha256: Buffer.from('3031300d060960864801650304020105000420', 'hex'),
  sha384: Buffer.from('3041300d060960864801650304020205000430', 'hex'),
  sha512: Buffer.from('3051300d060960864801650304020305000440', 'hex'),
};

function digestInfo(hash: HashSpec, digest: Buffer): Buffer {
  const prefix = DIGEST_INFO_PREFIX[hash.name];
  if (!prefix) throw new Error(`no DigestInfo for ${hash.name}`);
  return Buffer.concat([prefix, digest]);
}

export function pkcs1Sign(privateKey: KeyObject, hash: HashSpec, digest: Buffer): Buffer {
  return privateEncrypt({ key: privateKey, padding: constants.RSA_PKCS1_PADDING }, digestInfo(hash, digest));
}

/** False for any signature that is not exactly the key's PKCS#1 v1.5 signature of this digest. */
export function pkcs1Verify(
  publicKey: KeyObject,
  modulusBytes: number,
  hash: HashSpec,
  digest: Buffer,
  signature: Buffer,
): boolean {
  if (signature.length !== modulusBytes) return false;
  let recovered: Buffer;
  try {
    recovered = publicDecrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature);
  } catch {
    return false; // not a PKCS#1 v1.5 block under this key: the signature does not verify
  }
  const expected = digestInfo(hash, digest);
  return recovered.length === expected.length && timingSafeEqual(recovered, expected);
}
