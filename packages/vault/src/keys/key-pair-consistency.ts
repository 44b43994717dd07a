import { createECDH } from 'node:crypto';
import type { CurveName } from './key-types.ts';

// Whether the private part of an imported JWK belongs to its public part, decided by Vaultover's own
// arithmetic before node:crypto sees the key. OpenSSL versions disagree on whether and how a mismatched
// pair fails: some import it and sign with whatever they were given, newer ones refuse it at import with
// an error of their own wording. Checking here gives the same answer on every Node and OpenSSL.

/** `matches`: one key pair; `mismatch`: the private part is another key's; `malformed`: not a key at all. */
export type KeyPairCheck = 'matches' | 'mismatch' | 'malformed';

/** The parts of a JWK this check reads, base64url (as the wire carries them). */
export interface JwkParts {
  n?: string | undefined;
  e?: string | undefined;
  d?: string | undefined;
  p?: string | undefined;
  q?: string | undefined;
  dp?: string | undefined;
  dq?: string | undefined;
  qi?: string | undefined;
  x?: string | undefined;
  y?: string | undefined;
}

/** OpenSSL's names of the curves a vault offers, as createECDH takes them. */
const ECDH_CURVE: Record<CurveName, string> = {
  'P-256': 'prime256v1',
  'P-384': 'secp384r1',
  'P-521': 'secp521r1',
  'P-256K': 'secp256k1',
};

/** A base64url field as an unsigned big-endian integer; leading zero bytes do not change it. */
function integer(part: string | undefined): bigint | undefined {
  return part === undefined ? undefined : unsigned(Buffer.from(part, 'base64url'));
}

function unsigned(bytes: Buffer): bigint {
  const hex = bytes.toString('hex');
  return hex === '' ? 0n : BigInt(`0x${hex}`);
}

/**
 * An RSA pair. With `p` and `q`: n = p·q, d·e ≡ 1 (mod p−1) and (mod q−1), and dp, dq, qi derived from
 * them where given; a few big-integer products, well under 0.1 ms even at 4096 bits. With only `n`,
 * `e`, `d`: (2^e)^d ≡ 2 (mod n), one full-size modular exponentiation, about 12 ms at 2048 bits and 90 ms
 * at 4096 in bigint (node:crypto cannot help: it imports no RSA JWK without its CRT parts). Imports
 * always carry p and q (key-rules.ts requires every CRT part), so that slow path never runs on one.
 */
export function checkRsaKeyPair(jwk: JwkParts): KeyPairCheck {
  const [n, e, d, p, q] = [jwk.n, jwk.e, jwk.d, jwk.p, jwk.q].map(integer);
  const [dp, dq, qi] = [jwk.dp, jwk.dq, jwk.qi].map(integer);
  if (n === undefined || e === undefined || d === undefined) return 'malformed';
  if (n < 3n || e < 3n || d < 1n) return 'malformed';
  if (p === undefined && q === undefined) {
    // CRT parts without the primes they derive from cannot be checked, nor used.
    if (dp !== undefined || dq !== undefined || qi !== undefined) return 'malformed';
    return modPow(modPow(2n, e, n), d, n) === 2n % n ? 'matches' : 'mismatch';
  }
  if (p === undefined || q === undefined || p < 2n || q < 2n || p === q) return 'malformed';
  const agree =
    p * q === n &&
    (e * d) % (p - 1n) === 1n % (p - 1n) &&
    (e * d) % (q - 1n) === 1n % (q - 1n) &&
    (dp === undefined || d % (p - 1n) === dp) &&
    (dq === undefined || d % (q - 1n) === dq) &&
    (qi === undefined || (qi * q) % p === 1n);
  return agree ? 'matches' : 'mismatch';
}

/**
 * An EC pair: the public point d·G, computed by OpenSSL's scalar multiplication (ECDH's public key of
 * the private scalar d is exactly d·G), must be the given (x, y). A scalar outside 1 … order−1, which
 * setPrivateKey refuses, is malformed; what OpenSSL says then is not read.
 */
export function checkEcKeyPair(jwk: JwkParts, curve: CurveName): KeyPairCheck {
  const [d, x, y] = [jwk.d, jwk.x, jwk.y].map(integer);
  const curveName = ECDH_CURVE[curve];
  if (!curveName || d === undefined || x === undefined || y === undefined || d === 0n) return 'malformed';
  let point: Buffer;
  try {
    const ecdh = createECDH(curveName);
    ecdh.setPrivateKey(Buffer.from(jwk.d ?? '', 'base64url'));
    point = ecdh.getPublicKey(); // 0x04 ‖ x ‖ y, each as long as a field element
  } catch {
    return 'malformed'; // OpenSSL refused the private scalar; the answer is the same whatever it says
  }
  const size = (point.length - 1) / 2;
  const matches = unsigned(point.subarray(1, 1 + size)) === x && unsigned(point.subarray(1 + size)) === y;
  return matches ? 'matches' : 'mismatch';
}

/** base^exponent mod modulus, left to right over 4-bit windows of the exponent. */
function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  const reduced = base % modulus;
  const powers = [1n % modulus];
  for (let i = 1; i < 16; i++) powers.push(((powers[i - 1] ?? 1n) * reduced) % modulus);
  let result = 1n % modulus;
  for (const digit of exponent.toString(16)) {
    for (let i = 0; i < 4; i++) result = (result * result) % modulus;
    if (digit !== '0') result = (result * (powers[Number.parseInt(digit, 16)] ?? 1n)) % modulus;
  }
  return result;
}
