import type { JsonWebKey as NodeJwk } from 'node:crypto';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import {
  CryptographyClient,
  type CryptographyClientOptions,
  type JsonWebKey,
  KeyClient,
  type KeyClientOptions,
} from '@azure/keyvault-keys';
import { clientOptions, credentialFor } from './clients.ts';
import type { TestRegion } from './region.ts';

/** The real KeyClient of `@azure/keyvault-keys` against a test region (see secretClient). */
export function keyClient(
  region: TestRegion,
  principal: string,
  vaultUrl: string = region.url,
  options: KeyClientOptions = {},
): KeyClient {
  return new KeyClient(vaultUrl, credentialFor(region, principal), {
    ...clientOptions(region, vaultUrl),
    ...options,
  });
}

/** A CryptographyClient for a key id (versioned or not), trusting the region as keyClient does. */
export function cryptographyClient(
  region: TestRegion,
  principal: string,
  keyId: string,
  options: CryptographyClientOptions = {},
): CryptographyClient {
  return new CryptographyClient(keyId, credentialFor(region, principal), {
    ...clientOptions(region, keyId),
    ...options,
  });
}

/** One request the SDK sent: method and path (no query), as the server received it before normalising. */
export interface LoggedRequest {
  method: string;
  path: string;
}

/**
 * A `perCall` pipeline policy that records every request a client sends (retries and the challenge's
 * unauthenticated first attempt happen after it, so each SDK call logs once), to tell local from
 * remote cryptography: a local operation sends nothing.
 */
export function requestLog(): { policy: PipelinePolicy; requests: LoggedRequest[]; take(): LoggedRequest[] } {
  const requests: LoggedRequest[] = [];
  const policy: PipelinePolicy = {
    name: 'vaultover-test-request-log',
    sendRequest: (request, next) => {
      requests.push({ method: request.method, path: new URL(request.url).pathname });
      return next(request);
    },
  };
  return {
    policy,
    requests,
    take() {
      return requests.splice(0, requests.length);
    },
  };
}

/** A Node JWK as the SDK's JsonWebKey (binary fields as bytes). */
export function sdkJwk(jwk: NodeJwk, extra: Partial<JsonWebKey> = {}): JsonWebKey {
  const bytes = (field: string | undefined) => (field ? Buffer.from(field, 'base64url') : undefined);
  return {
    kty: jwk.kty as JsonWebKey['kty'],
    n: bytes(jwk.n),
    e: bytes(jwk.e),
    d: bytes(jwk.d),
    p: bytes(jwk.p),
    q: bytes(jwk.q),
    dp: bytes(jwk.dp),
    dq: bytes(jwk.dq),
    qi: bytes(jwk.qi),
    x: bytes(jwk.x),
    y: bytes(jwk.y),
    crv: jwk.crv === 'secp256k1' ? 'P-256K' : (jwk.crv as JsonWebKey['crv']),
    ...extra,
  };
}
