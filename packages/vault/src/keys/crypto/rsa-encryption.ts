import { type KeyObject, privateDecrypt, publicEncrypt } from 'node:crypto';
import { BadParameterError } from '../../errors.ts';
import type { EncryptionAlgorithm } from '../key-types.ts';
import { ENCRYPTION_SCHEMES } from './algorithms.ts';

/** Encrypts with the public key; BadParameter when the plaintext is longer than the padding allows. */
export function rsaEncrypt(
  publicKey: KeyObject,
  modulusBytes: number,
  algorithm: EncryptionAlgorithm,
  plaintext: Buffer,
): Buffer {
  const scheme = ENCRYPTION_SCHEMES[algorithm];
  const limit = modulusBytes - scheme.overhead;
  if (plaintext.length > limit) {
    throw new BadParameterError(
      `Invalid value: ${plaintext.length} bytes is too long for ${algorithm} with a ${modulusBytes * 8}-bit key; ` +
        `the limit is ${limit} bytes.`,
    );
  }
  return publicEncrypt({ key: publicKey, padding: scheme.padding, oaepHash: scheme.oaepHash }, plaintext);
}

/**
 * Decrypts with the private key. Every failure is the same BadParameter, whatever the cause, so that
 * the answer says nothing about the padding (the oracle Bleichenbacher and Manger attacks need).
 */
export function rsaDecrypt(
  privateKey: KeyObject,
  modulusBytes: number,
  algorithm: EncryptionAlgorithm,
  ciphertext: Buffer,
): Buffer {
  if (ciphertext.length !== modulusBytes) {
    throw new BadParameterError(
      `Invalid value: a ${algorithm} ciphertext for a ${modulusBytes * 8}-bit key is ${modulusBytes} bytes, ` +
        `got ${ciphertext.length}.`,
    );
  }
  const scheme = ENCRYPTION_SCHEMES[algorithm];
  try {
    return privateDecrypt(
      { key: privateKey, padding: scheme.padding, oaepHash: scheme.oaepHash },
      ciphertext,
    );
  } catch (error) {
    if (algorithm === 'RSA1_5' && isPkcs1DecryptionRefused(error)) throw rsa15Refused();
    throw new BadParameterError(`The ciphertext could not be decrypted with this key and ${algorithm}.`);
  }
}

/**
 * Node refuses PKCS#1 v1.5 private decryption (CVE-2023-46809, the Marvin attack) unless its OpenSSL
 * does implicit rejection or the process runs with `--security-revert=CVE-2023-46809`. The refusal is
 * a TypeError ERR_INVALID_ARG_VALUE about `padding`, before any decryption is tried. The code alone
 * tells it: it is asked only after an RSA1_5 decryption, whose other arguments are a KeyObject and a
 * Buffer we built, so no other argument of ours can be the invalid one.
 */
export function isPkcs1DecryptionRefused(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === 'ERR_INVALID_ARG_VALUE';
}

function rsa15Refused(): BadParameterError {
  return new BadParameterError(
    'RSA1_5 decryption is not available on this node: its Node.js refuses PKCS#1 v1.5 private decryption ' +
      '(CVE-2023-46809, the Marvin attack). Use RSA-OAEP or RSA-OAEP-256, or run the node with ' +
      '--security-revert=CVE-2023-46809.',
  );
}
