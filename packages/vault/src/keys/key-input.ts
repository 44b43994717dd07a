import { z } from 'zod';
import { intDate, optional, tags } from '../object-input.ts';
import { KEY_OPERATIONS } from './key-types.ts';
import { releasePolicyInput as releasePolicy } from './release-policy.ts';

// Bodies of the key lifecycle requests (docs/vault-api.md#keys). Shapes are checked here;
// the rules between fields (a known kty, a size for it, a curve) are in key-rules.ts.

/** Base64url without padding, as the service sends and expects every binary field. */
export const BASE64URL = /^[A-Za-z0-9_-]+$/;
export const base64url = (what: string) =>
  z
    .string({ error: `must be a string: ${what}, base64url` })
    .regex(BASE64URL, 'must be base64url without padding')
    // A dangling 4n+1st character encodes no byte: decoders drop it silently, so refuse it here.
    .refine((text) => text.length % 4 !== 1, 'is not valid base64url (truncated)');

const keyOps = optional(
  z.array(z.enum(KEY_OPERATIONS, { error: `must each be one of ${KEY_OPERATIONS.join(', ')}` }), {
    error: 'must be an array of key operations',
  }),
);

const attributes = optional(
  z.object({
    enabled: optional(z.boolean()),
    nbf: intDate,
    exp: intDate,
    exportable: optional(z.boolean()),
  }),
);

/** Body of `POST /keys/{name}/create`. */
export const keyCreateInput = z.object({
  kty: z.string({ error: 'is required: one of RSA, RSA-HSM, EC, EC-HSM' }),
  key_size: optional(z.number().int('must be an integer')),
  public_exponent: optional(z.number().int('must be an integer')),
  key_ops: keyOps,
  attributes,
  tags,
  crv: optional(z.string()),
  release_policy: releasePolicy,
});
export type KeyCreateInput = z.infer<typeof keyCreateInput>;

const jwkPart = (what: string) => optional(base64url(what));

/** A JSON Web Key with its private parts, as `PUT /keys/{name}` carries it. */
export const importedJwk = z.object(
  {
    kid: optional(z.string()),
    kty: z.string({ error: 'is required: RSA, RSA-HSM, EC or EC-HSM' }),
    key_ops: keyOps,
    n: jwkPart('the RSA modulus'),
    e: jwkPart('the RSA public exponent'),
    d: jwkPart('the private exponent or EC private key'),
    dp: jwkPart('an RSA CRT exponent'),
    dq: jwkPart('an RSA CRT exponent'),
    qi: jwkPart('the RSA CRT coefficient'),
    p: jwkPart('an RSA prime'),
    q: jwkPart('an RSA prime'),
    k: jwkPart('a symmetric key'),
    key_hsm: jwkPart('HSM key material'),
    crv: optional(z.string()),
    x: jwkPart('the EC x coordinate'),
    y: jwkPart('the EC y coordinate'),
  },
  { error: 'is required: the JSON Web Key to import' },
);
export type ImportedJwk = z.infer<typeof importedJwk>;

/** Body of `PUT /keys/{name}`. `Hsm` is spelled with a capital H on the wire. */
export const keyImportInput = z.object({
  Hsm: optional(z.boolean()),
  key: importedJwk,
  attributes,
  tags,
  release_policy: releasePolicy,
});
export type KeyImportInput = z.infer<typeof keyImportInput>;

/** Body of `PATCH /keys/{name}/{version}`. */
export const keyUpdateInput = z.object({
  key_ops: keyOps,
  attributes,
  tags,
  release_policy: releasePolicy,
});
export type KeyUpdateInput = z.infer<typeof keyUpdateInput>;
