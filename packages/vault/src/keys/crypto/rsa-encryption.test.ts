import { constants, generateKeyPairSync, privateDecrypt, publicEncrypt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isPkcs1DecryptionRefused, rsaDecrypt, rsaEncrypt } from './rsa-encryption.ts';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const DATA = Buffer.from('a 32-byte content encryption key');

describe('RSA encryption', () => {
  it('decrypts what node:crypto encrypts with each algorithm, and the other way round', () => {
    const cases = [
      ['RSA-OAEP', { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }],
      ['RSA-OAEP-256', { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }],
      ['RSA1_5', { padding: constants.RSA_PKCS1_PADDING }],
    ] as const;
    for (const [algorithm, options] of cases) {
      const theirs = publicEncrypt({ key: publicKey, ...options }, DATA);
      expect(rsaDecrypt(privateKey, 256, algorithm, theirs).equals(DATA), algorithm).toBe(true);
      const ours = rsaEncrypt(publicKey, 256, algorithm, DATA);
      expect(rsaDecrypt(privateKey, 256, algorithm, ours).equals(DATA), algorithm).toBe(true);
    }
  });

  it('refuses plaintexts over the padding limit with BadParameter, and accepts the limit itself', () => {
    for (const [algorithm, limit] of [
      ['RSA-OAEP', 214],
      ['RSA-OAEP-256', 190],
      ['RSA1_5', 245],
    ] as const) {
      expect(rsaEncrypt(publicKey, 256, algorithm, Buffer.alloc(limit)).length).toBe(256);
      expect(() => rsaEncrypt(publicKey, 256, algorithm, Buffer.alloc(limit + 1))).toThrow(
        expect.objectContaining({ code: 'BadParameter', status: 400 }),
      );
    }
  });

  it('answers one BadParameter for a wrong-length or undecryptable OAEP ciphertext', () => {
    const ours = rsaEncrypt(publicKey, 256, 'RSA-OAEP-256', DATA);
    expect(() => rsaDecrypt(privateKey, 256, 'RSA-OAEP-256', ours.subarray(1))).toThrow(
      expect.objectContaining({ code: 'BadParameter' }),
    );
    const tampered = Buffer.from(ours);
    tampered[5] = (tampered[5] ?? 0) ^ 1;
    expect(() => rsaDecrypt(privateKey, 256, 'RSA-OAEP-256', tampered)).toThrow(
      expect.objectContaining({
        code: 'BadParameter',
        message: expect.stringContaining('could not be decrypted'),
      }),
    );
  });

  it("recognises Node's refusal of PKCS#1 v1.5 decryption (CVE-2023-46809) by its code alone", () => {
    // Node throws a TypeError with this code when its OpenSSL lacks implicit rejection; its wording is Node's.
    const refusal = Object.assign(new TypeError('(whatever Node says)'), { code: 'ERR_INVALID_ARG_VALUE' });
    expect(isPkcs1DecryptionRefused(refusal)).toBe(true);
    // What Node really throws for a ciphertext that does not decrypt: another code.
    const oaepFailure = (() => {
      try {
        privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING }, Buffer.alloc(256, 1));
      } catch (error) {
        return error;
      }
    })();
    expect(oaepFailure).toMatchObject({ code: expect.any(String) });
    expect(isPkcs1DecryptionRefused(oaepFailure)).toBe(false);
    expect(isPkcs1DecryptionRefused(new Error('no code'))).toBe(false);
    expect(isPkcs1DecryptionRefused(undefined)).toBe(false);
  });
});
