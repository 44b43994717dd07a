import { constants } from 'node:crypto';
import type { CurveName, EncryptionAlgorithm, SignatureAlgorithm } from '../key-types.ts';

/** Node's name of a hash, and its output length in bytes. */
export interface HashSpec {
  name: 'sha1' | 'sha256' | 'sha384' | 'sha512';
  bytes: number;
}

export const SHA1: HashSpec = { name: 'sha1', bytes: 20 };
export const SHA256: HashSpec = { name: 'sha256', bytes: 32 };
export const SHA384: HashSpec = { name: 'sha384', bytes: 48 };
export const SHA512: HashSpec = { name: 'sha512', bytes: 64 };

export type SignatureScheme =
  | { family: 'rsa'; padding: 'pkcs1' | 'pss'; hash: HashSpec }
  | { family: 'ec'; curve: CurveName; hash: HashSpec };

/** How each signature algorithm signs: RS* PKCS#1 v1.5, PS* PSS with salt = hash length, ES* ECDSA. */
export const SIGNATURE_SCHEMES: Record<SignatureAlgorithm, SignatureScheme> = {
  RS256: { family: 'rsa', padding: 'pkcs1', hash: SHA256 },
  RS384: { family: 'rsa', padding: 'pkcs1', hash: SHA384 },
  RS512: { family: 'rsa', padding: 'pkcs1', hash: SHA512 },
  PS256: { family: 'rsa', padding: 'pss', hash: SHA256 },
  PS384: { family: 'rsa', padding: 'pss', hash: SHA384 },
  PS512: { family: 'rsa', padding: 'pss', hash: SHA512 },
  ES256: { family: 'ec', curve: 'P-256', hash: SHA256 },
  ES256K: { family: 'ec', curve: 'P-256K', hash: SHA256 },
  ES384: { family: 'ec', curve: 'P-384', hash: SHA384 },
  ES512: { family: 'ec', curve: 'P-521', hash: SHA512 },
};

export interface EncryptionScheme {
  padding: number;
  /** OAEP's hash (for both the label and MGF1); absent for PKCS#1 v1.5. */
  oaepHash?: HashSpec['name'];
  /** Bytes the padding takes from the modulus: the largest plaintext is modulus bytes minus this. */
  overhead: number;
}

/** RSA-OAEP is OAEP with SHA-1 (RFC 7518 §4.3); RSA-OAEP-256 uses SHA-256; RSA1_5 is PKCS#1 v1.5. */
export const ENCRYPTION_SCHEMES: Record<EncryptionAlgorithm, EncryptionScheme> = {
  'RSA-OAEP': { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1', overhead: 2 * SHA1.bytes + 2 },
  'RSA-OAEP-256': {
    padding: constants.RSA_PKCS1_OAEP_PADDING,
    oaepHash: 'sha256',
    overhead: 2 * SHA256.bytes + 2,
  },
  RSA1_5: { padding: constants.RSA_PKCS1_PADDING, overhead: 11 },
};
