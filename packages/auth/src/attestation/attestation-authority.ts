import type { Clock } from '@vaultover/foundation';
import { type AttestationVerifier, ForbiddenError, type VerifiedAttestation } from '@vaultover/vault';
import { createLocalJWKSet, errors, type JWK, jwtVerify, SignJWT } from 'jose';
import { ATTESTATION_ALGORITHM, type AttestationKey } from './attestation-key.ts';

/** Where the authority's JWKS is published, under its issuer URL (Microsoft Azure Attestation's path). */
export const JWKS_PATH = '/certs';
/** OpenID Connect discovery, which the authority publishes as Microsoft Azure Attestation does. */
export const OPENID_CONFIGURATION_PATH = '/.well-known/openid-configuration';

/** What `vaultover attest` puts in a token. */
export interface AttestationRequest {
  /** The authority URL: the token's `iss`, which a release policy's `authority` names. */
  issuer: string;
  /** The claims the token asserts (top level, next to `iss`, `iat`, `nbf`, `exp`). */
  claims: Record<string, unknown>;
  /** Public JWKs the released key is to be wrapped for, under `x-ms-runtime.keys`. */
  runtimeKeys: JWK[];
  ttlSeconds: number;
}

/**
 * The deployment's attestation authority, standing in for Microsoft Azure Attestation: it issues RS256
 * tokens with its key (jose signs and verifies: the JWS/JWT checks are easy to get subtly wrong by hand),
 * publishes the OpenID metadata and JWKS relying parties read, and verifies tokens for secure key
 * release. Only its own key is trusted: a token signed by any other authority is refused.
 */
export class AttestationAuthority implements AttestationVerifier {
  readonly #key: AttestationKey;
  readonly #clock: Clock;
  readonly #jwks: ReturnType<typeof createLocalJWKSet>;

  constructor(key: AttestationKey, clock: Clock) {
    this.#key = key;
    this.#clock = clock;
    this.#jwks = createLocalJWKSet(this.jwks());
  }

  jwks(): { keys: JWK[] } {
    return { keys: [this.#key.publicJwk] };
  }

  /** The discovery document of the authority at `issuer` (the URL the caller reached it at). */
  openidConfiguration(issuer: string) {
    const base = issuer.replace(/\/+$/, '');
    return {
      issuer: base,
      jwks_uri: `${base}${JWKS_PATH}`,
      id_token_signing_alg_values_supported: [ATTESTATION_ALGORITHM],
      claims_supported: ['iss', 'iat', 'nbf', 'exp', 'x-ms-runtime'],
    };
  }

  async issue(request: AttestationRequest): Promise<string> {
    const now = Math.floor(this.#clock.now() / 1000);
    const base = request.issuer.replace(/\/+$/, '');
    return new SignJWT({
      ...request.claims,
      'x-ms-ver': '1.0',
      'x-ms-runtime': { keys: request.runtimeKeys },
    })
      .setProtectedHeader({
        alg: ATTESTATION_ALGORITHM,
        typ: 'JWT',
        kid: this.#key.publicJwk.kid,
        jku: `${base}${JWKS_PATH}`,
      })
      .setIssuer(base)
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + request.ttlSeconds)
      .sign(this.#key.privateKey);
  }

  /** The issuer and claims of a token this authority signed and that is within its lifetime now. */
  async verify(token: string): Promise<VerifiedAttestation> {
    try {
      const { payload } = await jwtVerify(token, this.#jwks, {
        algorithms: [ATTESTATION_ALGORITHM],
        currentDate: new Date(this.#clock.now()),
        requiredClaims: ['iss', 'exp'],
      });
      return { issuer: payload.iss ?? '', claims: payload as Record<string, unknown> };
    } catch (error) {
      throw refusal(error);
    }
  }
}

/** The service's answer to a token that does not verify; never the token itself. */
function refusal(error: unknown): Error {
  if (error instanceof errors.JWTExpired) {
    return new ForbiddenError('The attestation token has expired.', 'AttestationTokenExpired');
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new ForbiddenError(
      `The attestation token is not valid now: its '${error.claim}' claim does not hold.`,
      'AttestationTokenNotValid',
    );
  }
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWSSignatureVerificationFailed) {
    return new ForbiddenError(
      "The attestation token is not signed by this deployment's attestation authority.",
      'AttestationAuthorityUnknown',
    );
  }
  // A target that is not a JWS at all: the real service's recorded answer to `"target": "anything"`
  // (azure-sdk-for-js keyvault-keys recording "traces through secure key release", api-version 7.4).
  if (error instanceof errors.JOSEError) {
    return new ForbiddenError('Target environment attestation statement cannot be verified.', 'AccessDenied');
  }
  return error instanceof Error ? error : new Error(String(error));
}
