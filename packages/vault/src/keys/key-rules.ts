import { BadParameterError } from '../errors.ts';
import { exportableNeedsPolicy, policyNeedsExportable } from './key-errors.ts';
import type { ImportedJwk, KeyCreateInput } from './key-input.ts';
import type { KeySpec } from './key-material.ts';
import {
  CURVES,
  type CurveName,
  DEFAULT_CURVE,
  DEFAULT_EC_OPERATIONS,
  DEFAULT_RSA_KEY_SIZE,
  DEFAULT_RSA_OPERATIONS,
  KEY_TYPES,
  type KeyOperation,
  type KeyType,
  RSA_KEY_SIZES,
} from './key-types.ts';
import { type ReleasePolicy, type ReleasePolicyInput, releasePolicyFrom } from './release-policy.ts';

// The rules between fields of create and import that a schema cannot say: which key types, sizes
// and curves a vault offers, and what a key gets when the request leaves something out.

/** A `kty` a vault holds, or BadParameter saying why not (oct is Managed HSM only). */
export function requireKeyType(kty: string, field = 'kty'): KeyType {
  if ((KEY_TYPES as readonly string[]).includes(kty)) return kty as KeyType;
  if (kty === 'oct' || kty === 'oct-HSM') {
    throw new BadParameterError(
      `Invalid ${field}: '${kty}' keys are offered by Managed HSM only; a vault holds RSA, RSA-HSM, EC and EC-HSM keys.`,
    );
  }
  throw new BadParameterError(
    `Invalid ${field}: '${kty.slice(0, 40)}' is not a key type; use one of ${KEY_TYPES.join(', ')}.`,
  );
}

export function requireCurve(crv: string | undefined, field = 'crv'): CurveName {
  if (crv === undefined) return DEFAULT_CURVE;
  if ((CURVES as readonly string[]).includes(crv)) return crv as CurveName;
  throw new BadParameterError(
    `Invalid ${field}: '${crv.slice(0, 40)}' is not a supported curve; use one of ${CURVES.join(', ')}.`,
  );
}

export function family(kty: KeyType): 'rsa' | 'ec' {
  return kty.startsWith('RSA') ? 'rsa' : 'ec';
}

/** What to generate for a create request. */
export function createSpec(input: KeyCreateInput, kty: KeyType): KeySpec {
  if (family(kty) === 'ec') return { family: 'ec', curve: requireCurve(input.crv) };
  const size = input.key_size ?? DEFAULT_RSA_KEY_SIZE;
  if (!(RSA_KEY_SIZES as readonly number[]).includes(size)) {
    throw new BadParameterError(
      `Invalid key_size: ${size} is not a supported RSA key size; use ${RSA_KEY_SIZES.join(', ')}.`,
    );
  }
  // `public_exponent` is read (an integer) but not used: the real service's recorded answer to
  // `public_exponent: 3` is a key with e = 65537 (AQAB), and so is every key generated here.
  return { family: 'rsa', size };
}

/** The key operations of a new key: as asked, else the real service's defaults for its type. */
export function keyOperationsOf(kty: KeyType, asked: KeyOperation[] | undefined): KeyOperation[] {
  const ops = asked ?? (family(kty) === 'rsa' ? DEFAULT_RSA_OPERATIONS : DEFAULT_EC_OPERATIONS);
  return [...new Set(ops)];
}

/**
 * The release terms of a new key version. As the real service checks: a policy on a key that is not
 * exportable is refused for that before the policy itself is read; an exportable key needs a policy.
 */
export function releaseTerms(
  exportable: boolean | undefined,
  policy: ReleasePolicyInput | undefined,
): { exportable: boolean | undefined; releasePolicy: ReleasePolicy | undefined } {
  if (policy !== undefined && exportable !== true) throw policyNeedsExportable();
  if (exportable === true && policy === undefined) throw exportableNeedsPolicy();
  return { exportable, releasePolicy: policy === undefined ? undefined : releasePolicyFrom(policy) };
}

const RSA_PRIVATE_PARTS = ['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'] as const;
const EC_PRIVATE_PARTS = ['crv', 'x', 'y', 'd'] as const;

/**
 * The family of a JWK to import, after checking it carries every part a vault key needs: a vault
 * key is a key pair, so a JWK without its private parts cannot be imported.
 */
export function requireImportableJwk(jwk: ImportedJwk): { kty: KeyType; family: 'rsa' | 'ec' } {
  const kty = requireKeyType(jwk.kty, 'key.kty');
  const keyFamily = family(kty);
  if (keyFamily === 'ec') requireCurve(jwk.crv, 'key.crv');
  const parts = keyFamily === 'rsa' ? RSA_PRIVATE_PARTS : EC_PRIVATE_PARTS;
  const missing = parts.filter((part) => jwk[part] === undefined);
  if (missing.length > 0) {
    const privateOnly = missing.every((part) => !['n', 'e', 'crv', 'x', 'y'].includes(part));
    throw new BadParameterError(
      privateOnly
        ? `Invalid key: the JSON Web Key has no private part (${missing.map((p) => `'${p}'`).join(', ')} missing); ` +
            'only key pairs can be imported.'
        : `Invalid key: the JSON Web Key lacks ${missing.map((p) => `'${p}'`).join(', ')}.`,
    );
  }
  return { kty, family: keyFamily };
}

/** Imported RSA keys must have a size a vault offers. */
export function requireImportedKeySize(size: number | undefined): void {
  if (size !== undefined && !(RSA_KEY_SIZES as readonly number[]).includes(size)) {
    throw new BadParameterError(
      `Invalid key: an RSA key of ${size} bits; a vault holds keys of ${RSA_KEY_SIZES.join(', ')} bits.`,
    );
  }
}
