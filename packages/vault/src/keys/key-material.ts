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
import type { CurveName } from './key-types.ts';

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
      ? await generate('rsa', { modulusLength: spec.size, publicExponent: 65_537 })
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
 * Reads the private key of an imported JWK (RSA with every CRT part, or EC with `d`). Node does not
 * check that private and public parts belong together (an EC `d` from another key is accepted with
 * the given `x`/`y`), so a signature made with the private part must verify with the given public part.
 */
export function privateKeyFromJwk(jwk: JsonWebKey, family: 'rsa' | 'ec'): KeyObject {
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
    throw new BadParameterError(
      'Invalid key: the JSON Web Key is not a valid key of its type (check n, e, d, p, q, dp, dq, qi or crv, x, y, d).',
    );
  }
  if (family === 'rsa' && !rsaPartsAgree(jwk)) throw partsDisagree();
  const probe = Buffer.from('vaultover import self-test');
  if (!verify('sha256', probe, publicKey, sign('sha256', probe, privateKey))) {
    throw partsDisagree();
  }
  return privateKey;
}

function partsDisagree(): BadParameterError {
  return new BadParameterError(
    'Invalid key: the private part of the JSON Web Key does not match its public part.',
  );
}

/**
 * Whether the RSA parts are one key: n = p·q, e·d ≡ 1 (mod p−1 and q−1), dp, dq and qi derived from them.
 * OpenSSL signs with the CRT parts only, so a wrong `d` would go unnoticed by a signature self-test.
 */
function rsaPartsAgree(jwk: JsonWebKey): boolean {
  const int = (part: string | undefined) =>
    BigInt(`0x${Buffer.from(part ?? '', 'base64url').toString('hex') || '0'}`);
  const [n, e, d, p, q] = [int(jwk.n), int(jwk.e), int(jwk.d), int(jwk.p), int(jwk.q)];
  const [dp, dq, qi] = [int(jwk.dp), int(jwk.dq), int(jwk.qi)];
  if (n === 0n || e === 0n || d === 0n || p < 2n || q < 2n) return false;
  return (
    p * q === n &&
    (e * d) % (p - 1n) === 1n &&
    (e * d) % (q - 1n) === 1n &&
    d % (p - 1n) === dp &&
    d % (q - 1n) === dq &&
    (qi * q) % p === 1n
  );
}
