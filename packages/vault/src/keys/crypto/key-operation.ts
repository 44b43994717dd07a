import type { EncryptionAlgorithm, SignatureAlgorithm } from '../key-types.ts';
import { SIGNATURE_SCHEMES } from './algorithms.ts';
import { ecdsaSign, ecdsaVerify } from './ecdsa.ts';
import type { OpenKey } from './open-key-cache.ts';
import { rsaDecrypt, rsaEncrypt } from './rsa-encryption.ts';
import { pkcs1Sign, pkcs1Verify } from './rsa-pkcs1-signature.ts';
import { pssSign, pssVerify } from './rsa-pss.ts';

/**
 * One cryptographic operation on an opened key, with its algorithm already checked against the key.
 * wrapKey and unwrapKey are encrypt and decrypt of a key. Plain data, so it can cross to a worker.
 */
export type CryptoRequest =
  | { op: 'encrypt'; algorithm: EncryptionAlgorithm; data: Uint8Array }
  | { op: 'decrypt'; algorithm: EncryptionAlgorithm; data: Uint8Array }
  | { op: 'sign'; algorithm: SignatureAlgorithm; digest: Uint8Array }
  | { op: 'verify'; algorithm: SignatureAlgorithm; digest: Uint8Array; signature: Uint8Array };

/** Bytes for encrypt, decrypt and sign; validity for verify. Throws BadParameter for unusable input. */
export function performCrypto(key: OpenKey, request: CryptoRequest): Buffer | boolean {
  switch (request.op) {
    case 'encrypt':
    case 'decrypt': {
      if (key.family !== 'rsa') throw new Error(`${request.algorithm} reached an EC key`);
      const data = Buffer.from(request.data);
      return request.op === 'encrypt'
        ? rsaEncrypt(key.publicKey, key.size.bytes, request.algorithm, data)
        : rsaDecrypt(key.privateKey, key.size.bytes, request.algorithm, data);
    }
    case 'sign':
      return sign(key, request.algorithm, Buffer.from(request.digest));
    case 'verify':
      return verify(key, request.algorithm, Buffer.from(request.digest), Buffer.from(request.signature));
  }
}

function sign(key: OpenKey, algorithm: SignatureAlgorithm, digest: Buffer): Buffer {
  const scheme = SIGNATURE_SCHEMES[algorithm];
  if (key.family === 'ec') return ecdsaSign(key.curve, key.d, digest);
  if (scheme.family === 'rsa' && scheme.padding === 'pss')
    return pssSign(key.privateKey, key.size, scheme.hash, digest);
  return pkcs1Sign(key.privateKey, scheme.hash, digest);
}

function verify(key: OpenKey, algorithm: SignatureAlgorithm, digest: Buffer, signature: Buffer): boolean {
  const scheme = SIGNATURE_SCHEMES[algorithm];
  if (key.family === 'ec') return ecdsaVerify(key.curve, key.d, digest, signature);
  if (scheme.family === 'rsa' && scheme.padding === 'pss')
    return pssVerify(key.publicKey, key.size, scheme.hash, digest, signature);
  return pkcs1Verify(key.publicKey, key.size.bytes, scheme.hash, digest, signature);
}
