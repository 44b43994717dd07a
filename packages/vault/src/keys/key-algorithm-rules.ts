import { BadParameterError } from '../errors.ts';
import { SIGNATURE_SCHEMES } from './crypto/algorithms.ts';
import type { KeyDoc } from './key-doc.ts';
import { algorithmMismatch } from './key-errors.ts';
import {
  ENCRYPTION_ALGORITHMS,
  type EncryptionAlgorithm,
  isRsa,
  KNOWN_ENCRYPTION_ALGORITHMS,
  KNOWN_SIGNATURE_ALGORITHMS,
  SIGNATURE_ALGORITHMS,
  type SignatureAlgorithm,
} from './key-types.ts';

// Which algorithm a key can run, with messages that say what would do instead.

export function requireEncryptionAlgorithm(alg: string, key: KeyDoc): EncryptionAlgorithm {
  if (!(ENCRYPTION_ALGORITHMS as readonly string[]).includes(alg)) {
    const known = (KNOWN_ENCRYPTION_ALGORITHMS as readonly string[]).includes(alg);
    throw new BadParameterError(
      known
        ? `Invalid alg: ${alg} needs a symmetric (oct) key, which only Managed HSM offers; ` +
            `use ${ENCRYPTION_ALGORITHMS.join(', ')} with an RSA key.`
        : `Invalid alg: '${alg.slice(0, 40)}' is not an encryption algorithm; use ${ENCRYPTION_ALGORITHMS.join(', ')}.`,
    );
  }
  if (!isRsa(key.kty)) throw algorithmMismatch(alg, `an ${key.kty} key`, 'EC keys can only sign and verify');
  return alg as EncryptionAlgorithm;
}

/** The signature algorithm, checked against the key's type and curve and the digest's length. */
export function requireSignatureAlgorithm(alg: string, key: KeyDoc, digest: Buffer): SignatureAlgorithm {
  if (!(SIGNATURE_ALGORITHMS as readonly string[]).includes(alg)) {
    const known = (KNOWN_SIGNATURE_ALGORITHMS as readonly string[]).includes(alg);
    throw new BadParameterError(
      known
        ? `Invalid alg: ${alg} is not supported by this emulator; use ${SIGNATURE_ALGORITHMS.join(', ')}.`
        : `Invalid alg: '${alg.slice(0, 40)}' is not a signature algorithm; use ${SIGNATURE_ALGORITHMS.join(', ')}.`,
    );
  }
  const algorithm = alg as SignatureAlgorithm;
  const scheme = SIGNATURE_SCHEMES[algorithm];
  const jwk = key.publicJwk;
  if (scheme.family === 'rsa' && !isRsa(key.kty)) {
    throw algorithmMismatch(alg, `an ${key.kty} key`, `use ${ecAlgorithmFor(jwk)} with it`);
  }
  if (scheme.family === 'ec') {
    if (!('crv' in jwk))
      throw algorithmMismatch(alg, `an ${key.kty} key`, 'use RS256-512 or PS256-512 with it');
    if (jwk.crv !== scheme.curve) {
      throw algorithmMismatch(
        alg,
        `a ${jwk.crv} key`,
        `${alg} needs ${scheme.curve}; use ${ecAlgorithmFor(jwk)}`,
      );
    }
  }
  if (digest.length !== scheme.hash.bytes) {
    throw new BadParameterError(
      `Invalid digest: ${alg} signs a ${scheme.hash.name.toUpperCase()} digest of ${scheme.hash.bytes} bytes, got ${digest.length} bytes.`,
    );
  }
  return algorithm;
}

function ecAlgorithmFor(jwk: KeyDoc['publicJwk']): string {
  if (!('crv' in jwk)) return 'RS256-512 or PS256-512';
  const match = Object.entries(SIGNATURE_SCHEMES).find(([, s]) => s.family === 'ec' && s.curve === jwk.crv);
  return match?.[0] ?? 'an ES algorithm';
}
