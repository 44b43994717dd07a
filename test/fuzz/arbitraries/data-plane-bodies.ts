import fc from 'fast-check';
import { hostileValue } from './hostile-values.ts';
import { mutatedDocument } from './mutations.ts';

// Bodies of the data plane's requests (docs/vault-api.md), valid first, then with one part broken, then
// anything at all; and how they are encoded: JSON, cut short, with bytes that are not UTF-8, padded to
// the 1 MB limit and past it.

/** Key material and certificates made once per run by independent tools, for valid imports. */
export interface ImportMaterial {
  /** An EC P-256 private key as a JWK (node:crypto). */
  readonly jwk: Record<string, unknown>;
  /** A self-signed certificate and its key, PEM (openssl). */
  readonly pem: string;
  /** The same as a PFX, base64, and its password. */
  readonly pfx: string;
  readonly pfxPassword: string;
}

/** What a route's body is: the data plane's request bodies, by what they describe. */
export type BodyKind =
  | 'secret-set'
  | 'secret-update'
  | 'restore'
  | 'key-create'
  | 'key-import'
  | 'key-update'
  | 'rotation-policy'
  | 'crypto'
  | 'verify'
  | 'random-bytes'
  | 'certificate-create'
  | 'certificate-import'
  | 'certificate-update'
  | 'certificate-policy'
  | 'certificate-merge'
  | 'pending-update';

const unixTime = fc.integer({ min: 1_500_000_000, max: 2_100_000_000 });
const attributes = fc.record({ enabled: fc.boolean(), nbf: unixTime, exp: unixTime }, { requiredKeys: [] });
const tags = fc.dictionary(fc.string({ minLength: 1, maxLength: 256 }), fc.string({ maxLength: 256 }), {
  maxKeys: 15,
});
const base64url = (min: number, max: number, prefix = '') =>
  fc
    .uint8Array({ minLength: min, maxLength: max })
    .map((bytes) => Buffer.concat([Buffer.from(prefix), bytes]).toString('base64url'));
const KEY_OPS = ['encrypt', 'decrypt', 'sign', 'verify', 'wrapKey', 'unwrapKey', 'import', 'export'];
/** The service's algorithms, and some it refuses (AES: Managed HSM only; HMAC). */
const ALGORITHMS = [
  ...['RSA-OAEP', 'RSA-OAEP-256', 'RSA1_5', 'A256GCM', 'A128KW', 'HS256'],
  ...['RS', 'PS'].flatMap((family) => ['256', '384', '512'].map((bits) => `${family}${bits}`)),
  ...['ES256', 'ES256K', 'ES384', 'ES512'],
];
const duration = fc.constantFrom('P30D', 'P90D', 'P1Y', 'P7D', 'PT1H', 'P2M', 'P1Y2M3DT4H5M6S');

const secretSet = fc.record(
  {
    value: fc.oneof(
      fc.string({ maxLength: 100 }),
      fc.string({ unit: 'grapheme', maxLength: 50 }),
      fc.integer({ min: 25 * 1024 - 2, max: 25 * 1024 + 2 }).map((length) => 'v'.repeat(length)),
    ),
    contentType: fc.string({ maxLength: 255 }),
    tags,
    attributes,
  },
  { requiredKeys: ['value'] },
);

const keyCreate = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record(
      {
        kty: fc.constantFrom('EC', 'EC-HSM'),
        crv: fc.constantFrom('P-256', 'P-384', 'P-521', 'P-256K'),
        key_ops: fc.subarray(KEY_OPS),
        attributes,
        tags,
      },
      { requiredKeys: ['kty'] },
    ),
  },
  // RSA keys take a few hundred milliseconds each: 2048 bits only, and fewer of them.
  fc.record(
    {
      kty: fc.constantFrom('RSA', 'RSA-HSM'),
      key_size: fc.constant(2048),
      key_ops: fc.subarray(KEY_OPS),
      attributes,
      tags,
    },
    { requiredKeys: ['kty', 'key_size'] },
  ),
);

const rotationPolicy = fc.record(
  {
    lifetimeActions: fc.array(
      fc.record({
        trigger: fc.oneof(
          fc.record({ timeAfterCreate: duration }),
          fc.record({ timeBeforeExpiry: duration }),
        ),
        action: fc.record({ type: fc.constantFrom('Rotate', 'Notify', 'rotate') }),
      }),
      { maxLength: 2 },
    ),
    attributes: fc.record({ expiryTime: duration }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);

const policy = fc.record(
  {
    key_props: fc.record(
      {
        kty: fc.constantFrom('EC', 'EC-HSM'),
        crv: fc.constantFrom('P-256', 'P-384'),
        exportable: fc.boolean(),
        reuse_key: fc.boolean(),
      },
      { requiredKeys: ['kty'] },
    ),
    x509_props: fc.record(
      {
        subject: fc.constantFrom('CN=fuzz', 'CN=fuzz.example, O=Vaultover'),
        validity_months: fc.integer({ min: 1, max: 1200 }),
        sans: fc.record({ dns_names: fc.array(fc.constantFrom('a.example', 'b.example'), { maxLength: 2 }) }),
        key_usage: fc.subarray(['digitalSignature', 'keyAgreement']),
      },
      { requiredKeys: ['subject'] },
    ),
    // Unknown leaves an operation in progress, which the merge and cancellation routes then meet.
    issuer: fc.constantFrom({ name: 'Self' }, { name: 'Unknown' }),
    secret_props: fc.record({
      contentType: fc.constantFrom('application/x-pkcs12', 'application/x-pem-file'),
    }),
    lifetime_actions: fc.array(
      fc.record({
        trigger: fc.oneof(
          fc.record({ lifetime_percentage: fc.integer({ min: 1, max: 99 }) }),
          fc.record({ days_before_expiry: fc.integer({ min: 1, max: 30 }) }),
        ),
        action: fc.record({ action_type: fc.constantFrom('AutoRenew', 'EmailContacts') }),
      }),
      { maxLength: 1 },
    ),
  },
  // A certificate always gets an EC key here: an RSA key is the default, and slow to make.
  { requiredKeys: ['key_props', 'issuer'] },
);

/** A valid body of each kind. */
export function validBody(kind: BodyKind, material: ImportMaterial): fc.Arbitrary<unknown> {
  switch (kind) {
    case 'secret-set':
      return secretSet;
    case 'secret-update':
      return fc.record(
        { contentType: fc.string({ maxLength: 255 }), tags, attributes },
        { requiredKeys: [] },
      );
    case 'restore':
      return fc.record({
        value: fc.oneof(
          base64url(0, 300),
          base64url(1, 200).map((rest) => `Vk9CMQ${rest}`),
        ),
      });
    case 'key-create':
      return keyCreate;
    case 'key-import':
      return fc.record(
        { key: fc.constant(material.jwk), Hsm: fc.boolean(), attributes, tags },
        { requiredKeys: ['key'] },
      );
    case 'key-update':
      return fc.record({ key_ops: fc.subarray(KEY_OPS), attributes, tags }, { requiredKeys: [] });
    case 'rotation-policy':
      return rotationPolicy;
    case 'crypto':
      return fc.record({ alg: fc.constantFrom(...ALGORITHMS), value: base64url(0, 300) });
    case 'verify':
      return fc.record({
        alg: fc.constantFrom(...ALGORITHMS),
        digest: base64url(0, 70),
        value: base64url(0, 600),
      });
    case 'random-bytes':
      return fc.record({ count: fc.integer({ min: 1, max: 128 }) });
    case 'certificate-create':
      return fc.record({ policy, attributes, tags }, { requiredKeys: ['policy'] });
    case 'certificate-import':
      return fc.oneof(
        fc.record({ value: fc.constant(material.pem), attributes, tags }, { requiredKeys: ['value'] }),
        fc.record(
          { value: fc.constant(material.pfx), pwd: fc.constant(material.pfxPassword), policy },
          { requiredKeys: ['value', 'pwd'] },
        ),
      );
    case 'certificate-update':
      return fc.record({ attributes, tags }, { requiredKeys: [] });
    case 'certificate-policy':
      return policy.map(({ issuer: _issuer, ...rest }) => rest);
    case 'certificate-merge':
      // Never the right leaf (the pending key's): a chain of the import material's certificate, as DER
      // or PEM text, or bytes that are neither.
      return fc.record(
        {
          x5c: fc.array(
            fc.oneof(
              fc.constant(Buffer.from(material.pem).toString('base64')),
              base64url(0, 300).map((text) => Buffer.from(text, 'base64url').toString('base64')),
            ),
            { maxLength: 3 },
          ),
          attributes,
          tags,
        },
        { requiredKeys: ['x5c'] },
      );
    case 'pending-update':
      return fc.record({ cancellation_requested: fc.boolean() });
  }
}

/** A body of `kind`: valid, with one part broken, or any value at all. */
export function bodyDocument(kind: BodyKind, material: ImportMaterial): fc.Arbitrary<unknown> {
  const valid = validBody(kind, material);
  return fc.oneof(
    { weight: 3, arbitrary: valid },
    { weight: 4, arbitrary: mutatedDocument(valid).map(({ document }) => document) },
    { weight: 1, arbitrary: hostileValue },
  );
}

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The bytes of a body: mostly its JSON, else cut short, with a byte that is not UTF-8, behind a BOM, padded
 * with spaces to around the 1 MB limit or 256 KB past it, or empty. `undefined` (JSON has none) sends no body.
 */
export function encodedBody(document: fc.Arbitrary<unknown>): fc.Arbitrary<Buffer | undefined> {
  const json = document.map((value) => JSON.stringify(value) as string | undefined);
  return fc.oneof(
    { weight: 12, arbitrary: json.map((text) => (text === undefined ? undefined : Buffer.from(text))) },
    json.chain((text = '') => fc.nat(text.length).map((cut) => Buffer.from(text.slice(0, cut)))),
    json.chain((text = '""') =>
      fc.tuple(fc.nat(text.length), fc.constantFrom(0xff, 0xfe, 0xc3, 0xed, 0x80)).map(([at, byte]) => {
        const bytes = Buffer.from(text);
        return Buffer.concat([bytes.subarray(0, at), Buffer.of(byte), bytes.subarray(at)]);
      }),
    ),
    json.map((text = '') => Buffer.concat([Buffer.of(0xef, 0xbb, 0xbf), Buffer.from(text)])),
    json.chain((text = '{}') =>
      fc
        .oneof(
          fc.integer({ min: MAX_BODY_BYTES - 16, max: MAX_BODY_BYTES + 16 }),
          fc.constant(MAX_BODY_BYTES + 256 * 1024),
        )
        .map((size) =>
          Buffer.concat([Buffer.from(text), Buffer.alloc(Math.max(0, size - Buffer.byteLength(text)), ' ')]),
        ),
    ),
    fc.constant(Buffer.alloc(0)),
  );
}
