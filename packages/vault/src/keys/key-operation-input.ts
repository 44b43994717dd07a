import { z } from 'zod';
import { optional } from '../object-input.ts';

// Bodies of the cryptographic requests (docs/vault-api.md#keys). Algorithms are strings here,
// checked against the key in key-cryptography.ts, so that an unknown or unsuitable one gets a message
// that says which algorithms would do.

/** Base64url without padding; a length of 4n+1 characters cannot come from any byte string. */
const binary = (what: string) =>
  z
    .string({ error: `is required: ${what}, base64url` })
    .regex(/^[A-Za-z0-9_-]*$/, 'must be base64url without padding')
    .refine((text) => text.length % 4 !== 1, 'is not valid base64url (truncated)')
    .transform((text) => Buffer.from(text, 'base64url'));

const algorithm = z.string({ error: 'is required: the algorithm' });

/** Body of encrypt, decrypt, wrapkey and unwrapkey. `iv`, `aad` and `tag` serve AES (Managed HSM) only. */
export const keyOperationInput = z.object({
  alg: algorithm,
  value: binary('the data'),
  iv: optional(binary('the initialization vector')),
  aad: optional(binary('the additional authenticated data')),
  tag: optional(binary('the authentication tag')),
});

/** Body of sign: `value` is the digest. */
export const keySignInput = z.object({ alg: algorithm, value: binary('the digest') });

/** Body of verify: `digest`, and the signature in `value`. */
export const keyVerifyInput = z.object({
  alg: algorithm,
  digest: binary('the digest'),
  value: binary('the signature'),
});

export const MAX_RANDOM_BYTES = 128;

/** Body of `POST /rng`. */
export const randomBytesInput = z.object({
  count: z
    .number({ error: `is required: a number of bytes from 1 to ${MAX_RANDOM_BYTES}` })
    .int('must be an integer'),
});
