import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkEcKeyPair, checkRsaKeyPair } from './key-pair-consistency.ts';
import type { CurveName } from './key-types.ts';

const rsaJwk = (modulusLength: number): JsonWebKey =>
  generateKeyPairSync('rsa', { modulusLength }).privateKey.export({ format: 'jwk' });
const ecJwk = (namedCurve: string): JsonWebKey =>
  generateKeyPairSync('ec', { namedCurve }).privateKey.export({ format: 'jwk' });
/** The same integer with a zero byte in front. */
const withLeadingZero = (part: string | undefined) =>
  Buffer.concat([Buffer.alloc(1), Buffer.from(part ?? '', 'base64url')]).toString('base64url');

describe('RSA key pairs', () => {
  const key = rsaJwk(2048);
  const other = rsaJwk(2048);

  it('accepts genuine keys of each size a vault holds, with and without the CRT parts', () => {
    expect(checkRsaKeyPair(key)).toBe('matches');
    expect(checkRsaKeyPair(rsaJwk(3072))).toBe('matches');
    const large = rsaJwk(4096);
    expect(checkRsaKeyPair(large)).toBe('matches');
    expect(checkRsaKeyPair({ n: key.n, e: key.e, d: key.d })).toBe('matches');
    expect(checkRsaKeyPair({ n: large.n, e: large.e, d: large.d })).toBe('matches');
  });

  it('reads leading zero bytes as the same integer', () => {
    expect(checkRsaKeyPair({ ...key, n: withLeadingZero(key.n), d: withLeadingZero(key.d) })).toBe('matches');
  });

  // Both keys have e = 65537, so e is changed on its own below.
  it.each(['n', 'd', 'p', 'q', 'dp', 'dq', 'qi'] as const)(
    'refuses a key whose %s is another key’s',
    (part) => {
      expect(checkRsaKeyPair({ ...key, [part]: other[part] })).toBe('mismatch');
    },
  );

  it('refuses p and q swapped (dp, dq and qi no longer fit), and e = 3 instead of 65537', () => {
    expect(checkRsaKeyPair({ ...key, p: key.q, q: key.p })).toBe('mismatch');
    expect(checkRsaKeyPair({ ...key, e: Buffer.from([3]).toString('base64url') })).toBe('mismatch');
  });

  it('refuses n, e and d that are not one key when no primes are given', () => {
    expect(checkRsaKeyPair({ n: key.n, e: key.e, d: other.d })).toBe('mismatch');
    expect(checkRsaKeyPair({ n: other.n, e: key.e, d: key.d })).toBe('mismatch');
  });

  it('calls parts that make no key malformed rather than mismatched', () => {
    expect(checkRsaKeyPair({ ...key, d: undefined })).toBe('malformed');
    expect(checkRsaKeyPair({ ...key, n: '' })).toBe('malformed');
    expect(checkRsaKeyPair({ ...key, q: undefined })).toBe('malformed');
    expect(checkRsaKeyPair({ ...key, q: key.p })).toBe('malformed');
    expect(checkRsaKeyPair({ n: key.n, e: key.e, d: key.d, dp: key.dp })).toBe('malformed');
  });
});

// Node's names for the wire's curves: only P-256K differs.
const CURVES: [CurveName, string][] = [
  ['P-256', 'P-256'],
  ['P-384', 'P-384'],
  ['P-521', 'P-521'],
  ['P-256K', 'secp256k1'],
];

describe.each(CURVES)('EC key pairs on %s', (curve, nodeCurve) => {
  const key = ecJwk(nodeCurve);
  const other = ecJwk(nodeCurve);

  it('accepts genuine keys, also with leading zero bytes in x, y and d', () => {
    expect(checkEcKeyPair(key, curve)).toBe('matches');
    expect(checkEcKeyPair(other, curve)).toBe('matches');
    const padded = { x: withLeadingZero(key.x), y: withLeadingZero(key.y), d: withLeadingZero(key.d) };
    expect(checkEcKeyPair(padded, curve)).toBe('matches');
  });

  it('refuses d from another key, and x or y from another key', () => {
    expect(checkEcKeyPair({ ...key, d: other.d }, curve)).toBe('mismatch');
    expect(checkEcKeyPair({ ...key, x: other.x }, curve)).toBe('mismatch');
    expect(checkEcKeyPair({ ...key, y: other.y }, curve)).toBe('mismatch');
  });

  it('calls a scalar of zero or above the group order, or a missing part, malformed', () => {
    const fieldBytes = Buffer.from(key.x ?? '', 'base64url').length;
    expect(checkEcKeyPair({ ...key, d: Buffer.alloc(fieldBytes).toString('base64url') }, curve)).toBe(
      'malformed',
    );
    expect(checkEcKeyPair({ ...key, d: Buffer.alloc(fieldBytes, 0xff).toString('base64url') }, curve)).toBe(
      'malformed',
    );
    expect(checkEcKeyPair({ ...key, y: undefined }, curve)).toBe('malformed');
  });
});

it('refuses a curve a vault does not offer as malformed', () => {
  expect(checkEcKeyPair(ecJwk('P-256'), 'P-192' as CurveName)).toBe('malformed');
});
