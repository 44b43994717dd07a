import { createPrivateKey, X509Certificate } from 'node:crypto';
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
  const x5c = chain.map((pem) => new X509Certificate(pem).raw.toString('base64'));
  const [leaf] = chain;
  const x5t = leaf ? new X509Certificate(leaf).fingerprint.replaceAll(':', '') : undefined;
  return {
    sign: (payload) =>
      new CompactSign(Buffer.from(JSON.stringify(payload)))
        .setProtectedHeader({ alg: 'ES256', typ: 'JWT', x5c, ...(x5t ? { kid: x5t } : {}) })
        .sign(key),
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
