import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import type { ReleasedKey, VaultProperties } from '@vaultover/vault';
import { CompactSign } from 'jose';
import { keyBundle } from './key-wire.ts';

/** Signs released keys as the service does: a JWS by its TLS certificate's key, the chain in `x5c`. */
export interface ReleaseSigner {
  sign(payload: object): Promise<string>;
}

/** A signer with the region's TLS key (P-256, so ES256) and its server certificate followed by the CA. */
export function tlsReleaseSigner(tls: { keyPem: string; certPem: string }): ReleaseSigner {
  const key = createPrivateKey(tls.keyPem);
  const chain = tls.certPem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
  const certificates = chain.map((pem) => new X509Certificate(pem));
  const [leaf] = certificates;
  if (!leaf) throw new Error('the TLS material holds no certificate to sign released keys with');
  // As the real header: kid the SHA-1 thumbprint in hex, x5t and x5t#S256 the thumbprints in base64url.
  const thumbprint = (hash: string) => createHash(hash).update(leaf.raw).digest();
  const header = {
    alg: 'ES256',
    kid: thumbprint('sha1').toString('hex').toUpperCase(),
    x5t: thumbprint('sha1').toString('base64url'),
    typ: 'JWT',
    'x5t#S256': thumbprint('sha256').toString('base64url'),
    x5c: certificates.map((certificate) => certificate.raw.toString('base64')),
  };
  return {
    sign: (payload) =>
      new CompactSign(Buffer.from(JSON.stringify(payload))).setProtectedHeader(header).sign(key),
  };
}

/**
 * KeyReleaseResult: `value` is a JWS whose payload echoes the request (`api-version`, `enc`, the `kid` as
 * addressed, `nonce`) and carries the key bundle with `key_hsm`, the private key wrapped for the target.
 */
export async function keyReleaseResult(
  signer: ReleaseSigner,
  base: string,
  vault: VaultProperties,
  requestedKid: string,
  apiVersion: string,
  released: ReleasedKey,
) {
  const bundle = keyBundle(base, vault, released.key);
  const { enc, nonce } = released.request;
  const payload = {
    request: { 'api-version': apiVersion, enc, kid: requestedKid, ...(nonce === undefined ? {} : { nonce }) },
    response: { key: { ...bundle, key: { ...bundle.key, key_hsm: released.keyHsm } } },
  };
  return { value: await signer.sign(payload) };
}
