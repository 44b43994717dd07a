/**
 * The vocabulary of keys as the real service spells it on the wire (docs/vault-api.md#keys):
 * key types, curves, key operations and algorithms. Vaults (not Managed HSM) hold RSA and EC keys only.
 */

/** Key types a vault can create or import; `-HSM` is echoed back but behaves the same here. */
export const KEY_TYPES = ['RSA', 'RSA-HSM', 'EC', 'EC-HSM'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

/** Every `kty` the SDKs know, so that `oct` gets a clear refusal rather than "unknown". */
export const KNOWN_KEY_TYPES = [...KEY_TYPES, 'oct', 'oct-HSM'] as const;

export const RSA_KEY_SIZES = [2048, 3072, 4096] as const;
export const DEFAULT_RSA_KEY_SIZE = 2048;
export const RSA_PUBLIC_EXPONENT = 65_537;

export const CURVES = ['P-256', 'P-384', 'P-521', 'P-256K'] as const;
export type CurveName = (typeof CURVES)[number];
export const DEFAULT_CURVE: CurveName = 'P-256';

export const KEY_OPERATIONS = [
  'encrypt',
  'decrypt',
  'sign',
  'verify',
  'wrapKey',
  'unwrapKey',
  'import',
  'export',
] as const;
export type KeyOperation = (typeof KEY_OPERATIONS)[number];

/** What the real service gives an RSA key created without `key_ops` (REC), and an EC key. */
export const DEFAULT_RSA_OPERATIONS: readonly KeyOperation[] = KEY_OPERATIONS.filter(
  (operation) => operation !== 'import' && operation !== 'export',
);
export const DEFAULT_EC_OPERATIONS: readonly KeyOperation[] = ['sign', 'verify'];

/** Algorithms of encrypt/decrypt/wrapKey/unwrapKey with RSA keys. */
export const ENCRYPTION_ALGORITHMS = ['RSA-OAEP', 'RSA-OAEP-256', 'RSA1_5'] as const;
export type EncryptionAlgorithm = (typeof ENCRYPTION_ALGORITHMS)[number];

/** Every encryption algorithm the SDKs know: the AES ones are Managed HSM only. */
export const KNOWN_ENCRYPTION_ALGORITHMS = [
  ...ENCRYPTION_ALGORITHMS,
  ...['A128GCM', 'A192GCM', 'A256GCM', 'A128KW', 'A192KW', 'A256KW'],
  ...['A128CBC', 'A192CBC', 'A256CBC', 'A128CBCPAD', 'A192CBCPAD', 'A256CBCPAD'],
  ...['CKM_AES_KEY_WRAP', 'CKM_AES_KEY_WRAP_PAD'],
] as const;

export const SIGNATURE_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES256K',
  'ES384',
  'ES512',
] as const;
export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[number];

/** Every signature algorithm the SDKs know: RSNULL and HMAC are not offered here. */
export const KNOWN_SIGNATURE_ALGORITHMS = [
  ...SIGNATURE_ALGORITHMS,
  ...['RSNULL', 'HS256', 'HS384', 'HS512'],
] as const;

export function isRsa(kty: KeyType): boolean {
  return kty === 'RSA' || kty === 'RSA-HSM';
}
