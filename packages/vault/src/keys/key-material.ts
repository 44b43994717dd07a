import {
  createPrivateKey,
  createPublicKey,
  generateKeyPair,
  type JsonWebKey,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { promisify } from 'node:util';
import { BadParameterError } from '../errors.ts';
import type { PublicJwk } from './key-doc.ts';
import { checkEcKeyPair, checkRsaKeyPair } from './key-pair-consistency.ts';
import { type CurveName, RSA_PUBLIC_EXPONENT } from './key-types.ts';

const generate = promisify(generateKeyPair);

/** Fresh or imported key material: the private key as PKCS#8 DER (to be sealed) and the public JWK. */
export interface KeyMaterial {
  privateKeyDer: Buffer;
  publicJwk: PublicJwk;
  /** RSA modulus size in bits. */
  keySize?: number | undefined;
}

export type KeySpec = { family: 'rsa'; size: number } | { family: 'ec'; curve: CurveName };

/** OpenSSL's names for the wire's curve names; only P-256K differs in Node's JWK support. */
const NODE_CURVE: Record<CurveName, string> = {
  'P-256': 'P-256',
  'P-384': 'P-384',
  'P-521': 'P-521',
  'P-256K': 'secp256k1',
};
const WIRE_CURVE: Record<string, CurveName> = {
  'P-256': 'P-256',
  'P-384': 'P-384',
  'P-521': 'P-521',
  secp256k1: 'P-256K',
};

/** Generates a key pair off the event loop (libuv's pool): RSA-4096 can take seconds. */
export async function generateKeyMaterial(spec: KeySpec): Promise<KeyMaterial> {
  const { privateKey } =
    spec.family === 'rsa'
      ? await generate('rsa', { modulusLength: spec.size, publicExponent: RSA_PUBLIC_EXPONENT })
      : await generate('ec', { namedCurve: NODE_CURVE[spec.curve] });
  return materialOf(privateKey);
}

/** The material of a private KeyObject, as stored. */
export function materialOf(privateKey: KeyObject): KeyMaterial {
  const publicJwk = publicJwkOf(privateKey);
  const keySize = privateKey.asymmetricKeyDetails?.modulusLength;
  return {
    privateKeyDer: privateKey.export({ type: 'pkcs8', format: 'der' }),
    publicJwk,
    ...(keySize ? { keySize } : {}),
  };
}

export function publicJwkOf(key: KeyObject): PublicJwk {
  const jwk = createPublicKey(key).export({ format: 'jwk' });
  if (jwk.kty === 'RSA') return { n: jwk.n ?? '', e: jwk.e ?? '' };
  const crv = WIRE_CURVE[jwk.crv ?? ''];
  if (!crv) throw new Error(`unexpected curve ${jwk.crv} of a stored key`);
  return { crv, x: jwk.x ?? '', y: jwk.y ?? '' };
}

/**
 * Reads the private key of an imported JWK (RSA with every CRT part, or EC with `d`). Whether the
 * private part belongs to the public part is decided first, by key-pair-consistency.ts, because
 * OpenSSL versions disagree on whether and how such a pair fails at import. A signature made with the
 * private part must still verify with the given public part, as a last check of what OpenSSL built.
 */
export function privateKeyFromJwk(jwk: JsonWebKey, family: 'rsa' | 'ec'): KeyObject {
  const pair = family === 'rsa' ? checkRsaKeyPair(jwk) : checkEcKeyPair(jwk, jwk.crv as CurveName);
  if (pair === 'mismatch') throw partsDisagree();
  if (pair === 'malformed') throw notAKey();
  const nodeJwk = family === 'ec' ? { ...jwk, kty: 'EC', crv: NODE_CURVE[jwk.crv as CurveName] } : jwk;
  let privateKey: KeyObject;
  let publicKey: KeyObject;
  try {
    privateKey = createPrivateKey({
      key: { ...nodeJwk, kty: family === 'rsa' ? 'RSA' : 'EC' },
      format: 'jwk',
    });
    const { n, e, x, y, crv } = nodeJwk;
    const publicPart = family === 'rsa' ? { kty: 'RSA', n, e } : { kty: 'EC', crv, x, y };
    publicKey = createPublicKey({ key: publicPart, format: 'jwk' });
  } catch {
    // Node's messages say little ("Unable to create key pointer") and must not echo key parts.
    throw notAKey();
  }
  const probe = Buffer.from('vaultover import self-test');
  if (!verify('sha256', probe, publicKey, sign('sha256', probe, privateKey))) {
    throw partsDisagree();
  }
  return privateKey;
}

function notAKey(): BadParameterError {
  return new BadParameterError(
    'Invalid key: the JSON Web Key is not a valid key of its type (check n, e, d, p, q, dp, dq, qi or crv, x, y, d).',
  );
}

function partsDisagree(): BadParameterError {
  return new BadParameterError(
    'Invalid key: the private part of the JSON Web Key does not match its public part.',
  );
}
