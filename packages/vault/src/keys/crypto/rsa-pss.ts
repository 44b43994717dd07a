import {
  constants,
  createHash,
  type KeyObject,
  privateEncrypt,
  publicDecrypt,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import type { HashSpec } from './algorithms.ts';

// RSASSA-PSS over a digest the caller computed (PS256/384/512), with MGF1 on the same hash and a
// salt as long as the hash (RFC 7518 §3.5). Node can make PSS signatures only of a message it hashes
// itself, so EMSA-PSS is done here (RFC 8017 §9.1) and the raw RSA step by privateEncrypt with
// RSA_NO_PADDING; the result is an ordinary PSS signature any verifier accepts.

export interface RsaKeySize {
  /** Modulus length in bits (modBits). */
  bits: number;
  /** Modulus length in bytes (k). */
  bytes: number;
}

export function pssSign(privateKey: KeyObject, size: RsaKeySize, hash: HashSpec, digest: Buffer): Buffer {
  const encoded = emsaPssEncode(hash, digest, size.bits - 1, randomBytes(hash.bytes));
  // RSASP1 needs exactly k bytes; EM is one byte shorter when modBits - 1 is a multiple of 8.
  const block = Buffer.concat([Buffer.alloc(size.bytes - encoded.length), encoded]);
  return privateEncrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, block);
}

export function pssVerify(
  publicKey: KeyObject,
  size: RsaKeySize,
  hash: HashSpec,
  digest: Buffer,
  signature: Buffer,
): boolean {
  if (signature.length !== size.bytes) return false;
  let block: Buffer;
  try {
    block = publicDecrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, signature);
  } catch {
    return false; // the signature is not smaller than the modulus
  }
  const emBits = size.bits - 1;
  const emLen = Math.ceil(emBits / 8);
  const leading = block.subarray(0, block.length - emLen);
  if (leading.some((byte) => byte !== 0)) return false;
  return emsaPssVerify(hash, digest, block.subarray(block.length - emLen), emBits);
}

/** EMSA-PSS-ENCODE (RFC 8017 §9.1.1) of an already computed mHash. */
export function emsaPssEncode(hash: HashSpec, mHash: Buffer, emBits: number, salt: Buffer): Buffer {
  const emLen = Math.ceil(emBits / 8);
  if (emLen < hash.bytes + salt.length + 2) throw new Error('encoding error: key too small for this hash');
  const h = createHash(hash.name).update(Buffer.alloc(8)).update(mHash).update(salt).digest();
  const db = Buffer.alloc(emLen - hash.bytes - 1);
  db[db.length - salt.length - 1] = 0x01;
  salt.copy(db, db.length - salt.length);
  const maskedDb = xor(db, mgf1(hash, h, db.length));
  maskedDb[0] = (maskedDb[0] ?? 0) & (0xff >> (8 * emLen - emBits));
  return Buffer.concat([maskedDb, h, Buffer.from([0xbc])]);
}

/** EMSA-PSS-VERIFY (RFC 8017 §9.1.2) with the salt length fixed to the hash length. */
export function emsaPssVerify(hash: HashSpec, mHash: Buffer, em: Buffer, emBits: number): boolean {
  const emLen = Math.ceil(emBits / 8);
  const sLen = hash.bytes;
  if (em.length !== emLen || emLen < hash.bytes + sLen + 2 || em[emLen - 1] !== 0xbc) return false;
  const maskedDb = em.subarray(0, emLen - hash.bytes - 1);
  const h = em.subarray(emLen - hash.bytes - 1, emLen - 1);
  const topBits = 0xff >> (8 * emLen - emBits);
  if (((maskedDb[0] ?? 0) & ~topBits) !== 0) return false;
  const db = xor(maskedDb, mgf1(hash, h, maskedDb.length));
  db[0] = (db[0] ?? 0) & topBits;
  const separator = emLen - hash.bytes - sLen - 2;
  if (db.subarray(0, separator).some((byte) => byte !== 0) || db[separator] !== 0x01) return false;
  const salt = db.subarray(db.length - sLen);
  const expected = createHash(hash.name).update(Buffer.alloc(8)).update(mHash).update(salt).digest();
  return timingSafeEqual(h, expected);
}

/** MGF1 (RFC 8017 appendix B.2.1). */
function mgf1(hash: HashSpec, seed: Buffer, length: number): Buffer {
  const blocks: Buffer[] = [];
  const counter = Buffer.alloc(4);
  for (let i = 0; blocks.length * hash.bytes < length; i++) {
    counter.writeUInt32BE(i);
    blocks.push(createHash(hash.name).update(seed).update(counter).digest());
  }
  return Buffer.concat(blocks).subarray(0, length);
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] ?? 0) ^ (b[i] ?? 0);
  return out;
}
