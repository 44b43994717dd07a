import {
  constants,
  createCipheriv,
  createPublicKey,
  type JsonWebKey,
  publicEncrypt,
  randomBytes,
} from 'node:crypto';
import { z } from 'zod';
import { BadParameterError } from '../errors.ts';
import { optional } from '../object-input.ts';

// The release of an exportable key (docs/vault-api.md#secure-key-release): the request body, the key the
// attestation token names to wrap to, and the wrapping itself. Node's crypto does the wrapping: RSA-OAEP
// of a fresh AES-256 key, then AES key wrap with padding (RFC 5649, OpenSSL's id-aes256-wrap-pad), the
// PKCS#11 CKM_RSA_AES_KEY_WRAP mechanism; the three `enc` values differ in OAEP's hash only.

/** The `enc` values the REST spec lists, with the OAEP hash each one uses. */
export const RELEASE_ENCRYPTION = {
  CKM_RSA_AES_KEY_WRAP: 'sha1',
  RSA_AES_KEY_WRAP_256: 'sha256',
  RSA_AES_KEY_WRAP_384: 'sha384',
} as const;
export type ReleaseEncryption = keyof typeof RELEASE_ENCRYPTION;
const ENCRYPTIONS = Object.keys(RELEASE_ENCRYPTION) as [ReleaseEncryption, ...ReleaseEncryption[]];

/** What the service uses when a release names no `enc`. */
export const DEFAULT_RELEASE_ENCRYPTION: ReleaseEncryption = 'CKM_RSA_AES_KEY_WRAP';

/** Body of `POST /keys/{name}/{version}/release`. */
export const keyReleaseInput = z.object({
  target: z.string({ error: 'is required: the attestation token' }).min(1, 'must not be empty'),
  nonce: optional(z.string()),
  enc: optional(z.enum(ENCRYPTIONS, { error: `must be one of ${ENCRYPTIONS.join(', ')}` })),
});
export type KeyReleaseInput = z.infer<typeof keyReleaseInput>;

/** An attestation token checked by the deployment's attestation authority: who issued it, and what it says. */
export interface VerifiedAttestation {
  issuer: string;
  claims: Record<string, unknown>;
}

/** Checks an attestation token's signature and lifetime; throws the service's error when it does not hold. */
export interface AttestationVerifier {
  verify(token: string): Promise<VerifiedAttestation>;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The key to wrap to: the first RSA key of the token's `x-ms-runtime.keys` (where Microsoft Azure
 * Attestation puts the enclave's runtime keys; a confidential VM's token has them under
 * `x-ms-isolation-tee`).
 */
export function runtimeKeyOf(claims: Record<string, unknown>): JsonWebKey & { kid?: string } {
  const tee = claims['x-ms-isolation-tee'];
  const runtime = [claims['x-ms-runtime'], isObject(tee) ? tee['x-ms-runtime'] : undefined].find(isObject);
  const keys = runtime?.keys;
  const rsa = Array.isArray(keys) ? keys.find((k) => isObject(k) && k.kty === 'RSA') : undefined;
  if (!isObject(rsa) || typeof rsa.n !== 'string' || typeof rsa.e !== 'string') {
    throw new BadParameterError(
      "Invalid target: the attestation token carries no RSA key under 'x-ms-runtime.keys' to wrap the released key to.",
    );
  }
  return rsa as JsonWebKey & { kid?: string };
}

/**
 * `key_hsm` of a released key: base64url of the key transfer blob (schema 1.0) whose ciphertext is the
 * OAEP-encrypted AES key followed by the private key's PKCS#8 DER wrapped under it.
 */
export function wrapForRelease(
  privateKeyDer: Buffer,
  target: JsonWebKey & { kid?: string },
  enc: ReleaseEncryption,
): string {
  let wrappingKey: ReturnType<typeof createPublicKey>;
  try {
    wrappingKey = createPublicKey({ key: { kty: 'RSA', n: target.n, e: target.e }, format: 'jwk' });
  } catch {
    throw new BadParameterError(
      "Invalid target: the RSA key under 'x-ms-runtime.keys' is not a valid JSON Web Key.",
    );
  }
  const aesKey = randomBytes(32);
  try {
    const encryptedKey = publicEncrypt(
      { key: wrappingKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: RELEASE_ENCRYPTION[enc] },
      aesKey,
    );
    // RFC 5649's alternative initial value; OpenSSL's wrap-pad cipher takes it as the IV.
    const wrap = createCipheriv('id-aes256-wrap-pad', aesKey, Buffer.from('A65959A6', 'hex'));
    const wrapped = Buffer.concat([wrap.update(privateKeyDer), wrap.final()]);
    const blob = {
      schema_version: '1.0',
      header: { kid: target.kid ?? '', alg: 'dir', enc },
      ciphertext: Buffer.concat([encryptedKey, wrapped]).toString('base64url'),
    };
    return Buffer.from(JSON.stringify(blob)).toString('base64url');
  } finally {
    aesKey.fill(0);
  }
}
