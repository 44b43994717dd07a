import { createECDH, type ECDH, randomBytes } from 'node:crypto';
import type { CurveName } from '../key-types.ts';

// ECDSA over a digest the caller computed (ES256/ES256K/ES384/ES512), signatures as r‖s (IEEE P1363,
// what the service returns). Node has no way to sign a digest without hashing it again: sign(null, …)
// hashes with the curve's default digest. So the scalar arithmetic is done here with bigint, and the
// one expensive step, the point multiplication k·G, by OpenSSL through ECDH (its public key of the
// private scalar k is exactly k·G). This is not constant-time; it is a simulator, not an HSM.

interface Curve {
  openssl: string;
  /** Order of the base point. */
  n: bigint;
  /** Bytes of a field element, of r and of s. */
  bytes: number;
  bits: number;
}

const hex = (text: string) => BigInt(`0x${text.replace(/\s+/g, '')}`);

const CURVES: Record<CurveName, Curve> = {
  'P-256': {
    openssl: 'prime256v1',
    n: hex('ffffffff 00000000 ffffffff ffffffff bce6faad a7179e84 f3b9cac2 fc632551'),
    bytes: 32,
    bits: 256,
  },
  'P-256K': {
    openssl: 'secp256k1',
    n: hex('ffffffff ffffffff ffffffff fffffffe baaedce6 af48a03b bfd25e8c d0364141'),
    bytes: 32,
    bits: 256,
  },
  'P-384': {
    openssl: 'secp384r1',
    n: hex(`ffffffff ffffffff ffffffff ffffffff ffffffff ffffffff
            c7634d81 f4372ddf 581a0db2 48b0a77a ecec196a ccc52973`),
    bytes: 48,
    bits: 384,
  },
  'P-521': {
    openssl: 'secp521r1',
    n: hex(`01ff ffffffff ffffffff ffffffff ffffffff ffffffff ffffffff ffffffff
            fffffffa 51868783 bf2f966b 7fcc0148 f709a5d0 3bb5c9b8 899c47ae bb6fb71e 91386409`),
    bytes: 66,
    bits: 521,
  },
};

// One ECDH object per curve, reused: setPrivateKey replaces its scalar, and calls never interleave.
const multipliers = new Map<CurveName, ECDH>();

/** x(k·G) for a scalar 1 ≤ k < n, computed by OpenSSL. */
function baseMultipleX(curveName: CurveName, k: bigint): bigint {
  const curve = CURVES[curveName];
  let ecdh = multipliers.get(curveName);
  if (!ecdh) {
    ecdh = createECDH(curve.openssl);
    multipliers.set(curveName, ecdh);
  }
  ecdh.setPrivateKey(toBytes(k, curve.bytes));
  const point = ecdh.getPublicKey(); // 0x04 ‖ x ‖ y
  return toBigInt(point.subarray(1, 1 + curve.bytes));
}

/** Signs `digest` with private scalar `d`; returns r‖s, each `bytes` long. */
export function ecdsaSign(curveName: CurveName, d: bigint, digest: Buffer): Buffer {
  const { n, bytes } = CURVES[curveName];
  const e = digestToInteger(curveName, digest);
  for (;;) {
    // Uniform enough: 64 extra bits make the modulo bias negligible.
    const k = (toBigInt(randomBytes(bytes + 8)) % (n - 1n)) + 1n;
    const r = baseMultipleX(curveName, k) % n;
    if (r === 0n) continue;
    const s = (modInverse(k, n) * ((e + r * d) % n)) % n;
    if (s === 0n) continue;
    return Buffer.concat([toBytes(r, bytes), toBytes(s, bytes)]);
  }
}

/**
 * Verifies r‖s for the key with private scalar `d`. The verifier's point u1·G + u2·Q equals
 * (u1 + u2·d)·G because Q = d·G: holding the private key, one base-point multiplication suffices.
 */
export function ecdsaVerify(curveName: CurveName, d: bigint, digest: Buffer, signature: Buffer): boolean {
  const { n, bytes } = CURVES[curveName];
  if (signature.length !== 2 * bytes) return false;
  const r = toBigInt(signature.subarray(0, bytes));
  const s = toBigInt(signature.subarray(bytes));
  if (r <= 0n || r >= n || s <= 0n || s >= n) return false;
  const w = modInverse(s, n);
  const scalar = (((digestToInteger(curveName, digest) * w) % n) + ((r * w) % n) * d) % n;
  if (scalar === 0n) return false; // the point at infinity
  return baseMultipleX(curveName, scalar) % n === r;
}

/** The private scalar of an EC key from its JWK `d`. */
export function scalarOf(d: string): bigint {
  return toBigInt(Buffer.from(d, 'base64url'));
}

/** bits2int: the leftmost `bits` bits of the digest (SEC 1 §4.1.3 step 5). */
function digestToInteger(curveName: CurveName, digest: Buffer): bigint {
  const { bits } = CURVES[curveName];
  const value = toBigInt(digest);
  const excess = digest.length * 8 - bits;
  return excess > 0 ? value >> BigInt(excess) : value;
}

function modInverse(a: bigint, n: bigint): bigint {
  let [r0, r1] = [n, a % n];
  let [t0, t1] = [0n, 1n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [t0, t1] = [t1, t0 - q * t1];
  }
  return t0 < 0n ? t0 + n : t0;
}

function toBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

function toBytes(value: bigint, length: number): Buffer {
  return Buffer.from(value.toString(16).padStart(length * 2, '0'), 'hex');
}
