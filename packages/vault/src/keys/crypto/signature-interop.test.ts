import { constants, createHash, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SHA256, SHA384, SHA512 } from './algorithms.ts';
import { ecdsaSign, ecdsaVerify, scalarOf } from './ecdsa.ts';
import { pkcs1Sign, pkcs1Verify } from './rsa-pkcs1-signature.ts';
import { pssSign, pssVerify } from './rsa-pss.ts';

// The signature primitives against node:crypto's own hash-and-sign implementation, both ways: what
// they sign over a digest, Node verifies over the message; what Node signs, they verify.

const MESSAGE = Buffer.from('the quick brown fox signs over a digest');
const HASHES = [SHA256, SHA384, SHA512];

function rsaKey(requested: number) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: requested });
  // OpenSSL rounds some sizes down (2049 becomes 2048): use what it made.
  const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
  return { privateKey, publicKey, size: { bits, bytes: Math.ceil(bits / 8) } };
}

const flip = (signature: Buffer, at = 10) => {
  const copy = Buffer.from(signature);
  copy[at] = (copy[at] ?? 0) ^ 0x01;
  return copy;
};

describe('RSASSA-PKCS1-v1_5 over a digest (RS256/384/512)', () => {
  const key = rsaKey(2048);
  it.each(HASHES.map((h) => [h.name, h] as const))(
    '%s: interoperates with node:crypto both ways',
    (_, hash) => {
      const digest = createHash(hash.name).update(MESSAGE).digest();
      const ours = pkcs1Sign(key.privateKey, hash, digest);
      expect(verify(hash.name, MESSAGE, key.publicKey, ours)).toBe(true);
      const theirs = sign(hash.name, MESSAGE, key.privateKey);
      expect(pkcs1Verify(key.publicKey, 256, hash, digest, theirs)).toBe(true);
      expect(pkcs1Verify(key.publicKey, 256, hash, digest, flip(theirs))).toBe(false);
      expect(pkcs1Verify(key.publicKey, 256, hash, flip(digest, 0), theirs)).toBe(false);
      expect(pkcs1Verify(key.publicKey, 256, hash, digest, theirs.subarray(1))).toBe(false);
    },
  );
});

describe('RSASSA-PSS over a digest (PS256/384/512, salt = hash length)', () => {
  // 1537 bits: modBits - 1 is a multiple of 8, so EM is one byte shorter than the modulus;
  // 2047 bits: the top bits of EM are masked more than one.
  for (const bits of [2048, 1537, 2047, 3072]) {
    const key = rsaKey(bits);
    it.each(HASHES.map((h) => [`${bits}-bit ${h.name}`, h] as const))('%s', (_, hash) => {
      const pss = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: hash.bytes };
      expect(key.size.bits).toBe(bits);
      const digest = createHash(hash.name).update(MESSAGE).digest();
      const ours = pssSign(key.privateKey, key.size, hash, digest);
      expect(ours.length).toBe(key.size.bytes);
      expect(verify(hash.name, MESSAGE, { key: key.publicKey, ...pss }, ours)).toBe(true);
      // Randomised: two signatures of one digest differ, and both verify.
      expect(pssSign(key.privateKey, key.size, hash, digest).equals(ours)).toBe(false);
      const theirs = sign(hash.name, MESSAGE, { key: key.privateKey, ...pss });
      expect(pssVerify(key.publicKey, key.size, hash, digest, theirs)).toBe(true);
      expect(pssVerify(key.publicKey, key.size, hash, digest, flip(theirs))).toBe(false);
      expect(pssVerify(key.publicKey, key.size, hash, flip(digest, 0), theirs)).toBe(false);
      // A PKCS#1 v1.5 signature is not a PSS one.
      expect(pssVerify(key.publicKey, key.size, hash, digest, sign(hash.name, MESSAGE, key.privateKey))).toBe(
        false,
      );
    });
  }
});

describe('ECDSA over a digest (ES256/ES256K/ES384/ES512, r‖s)', () => {
  const cases = [
    ['P-256', 'prime256v1', SHA256, 64],
    ['P-256K', 'secp256k1', SHA256, 64],
    ['P-384', 'secp384r1', SHA384, 96],
    ['P-521', 'secp521r1', SHA512, 132],
  ] as const;
  it.each(cases)('%s: interoperates with node:crypto both ways', (curve, openssl, hash, length) => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: openssl });
    const d = scalarOf((privateKey as KeyObject).export({ format: 'jwk' }).d ?? '');
    const p1363 = { dsaEncoding: 'ieee-p1363' as const };
    const digest = createHash(hash.name).update(MESSAGE).digest();
    for (let i = 0; i < 5; i++) {
      const ours = ecdsaSign(curve, d, digest);
      expect(ours.length).toBe(length);
      expect(verify(hash.name, MESSAGE, { key: publicKey, ...p1363 }, ours)).toBe(true);
      expect(ecdsaVerify(curve, d, digest, ours)).toBe(true);
    }
    const theirs = sign(hash.name, MESSAGE, { key: privateKey, ...p1363 });
    expect(ecdsaVerify(curve, d, digest, theirs)).toBe(true);
    expect(ecdsaVerify(curve, d, digest, flip(theirs, length - 1))).toBe(false);
    expect(ecdsaVerify(curve, d, flip(digest, 0), theirs)).toBe(false);
    expect(ecdsaVerify(curve, d, digest, theirs.subarray(1))).toBe(false);
    expect(ecdsaVerify(curve, d, digest, Buffer.alloc(length))).toBe(false); // r = s = 0
    expect(ecdsaVerify(curve, d, digest, Buffer.alloc(length, 0xff))).toBe(false); // r, s ≥ n
  });

  it('signs the digest as given: Node hashes again when asked to sign a digest with a null algorithm', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const digest = createHash('sha256').update(MESSAGE).digest();
    const naive = sign(null, digest, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    expect(verify('sha256', MESSAGE, { key: publicKey, dsaEncoding: 'ieee-p1363' }, naive)).toBe(false);
  });
});
