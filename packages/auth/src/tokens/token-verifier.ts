import type { webcrypto } from 'node:crypto';
import { errors, type JWTPayload, jwtVerify } from 'jose';
import {
  type AuthError,
  InvalidClaimsError,
  InvalidSignatureError,
  MalformedTokenError,
  TokenExpiredError,
  UnknownPrincipalError,
} from './auth-errors.ts';
import { bearerTokenFrom } from './bearer-token.ts';
import { importHmacKey } from './hmac-key.ts';
import { TOKEN_ALGORITHM, TOKEN_AUDIENCE, TOKEN_ISSUER } from './token-claims.ts';
import { type VerifiedClaims, VerifiedTokenCache } from './verified-token-cache.ts';

/** Options for {@link TokenVerifier}. */
export interface TokenVerifierOptions {
  /** The deployment key from {@link ensureSigningKey}. */
  signingKey: Uint8Array;
  /** When given, tokens of other principals are refused. Called per request, so removals apply at once. */
  knownPrincipals?: () => readonly string[];
  /** How many verified tokens to remember; 0 disables the cache. Default 1024. */
  cacheSize?: number;
}

/** Who a request is from. */
export interface VerifiedRequest {
  principal: string;
}

const REQUIRED_CLAIMS = ['sub', 'iat', 'exp', 'jti'];

/** Checks bearer tokens on incoming requests. Cheap to call per request: see the cache. */
export class TokenVerifier {
  readonly #key: Promise<webcrypto.CryptoKey>;
  readonly #knownPrincipals: (() => readonly string[]) | undefined;
  readonly #cache: VerifiedTokenCache;

  constructor(options: TokenVerifierOptions) {
    this.#key = importHmacKey(options.signingKey, 'verify');
    this.#knownPrincipals = options.knownPrincipals;
    this.#cache = new VerifiedTokenCache(options.cacheSize ?? 1024);
  }

  /**
   * Authenticates a request from its `Authorization` header.
   * @param now Current time in ms; `exp` is checked against it. The servers pass real time
   *   (`Date.now()`), not the simulated clock, so a time shift never expires tokens
   *   (docs/design.md#tokens-against-real-time).
   * @throws AuthError subclass saying why (missing, malformed, signature, expired, claims,
   *   unknown principal).
   */
  async verify(authorization: string | undefined, now: number): Promise<VerifiedRequest> {
    const token = bearerTokenFrom(authorization);
    const claims = this.#cache.get(token) ?? (await this.#verifyAndRemember(token, now));
    if (claims.expiresAt <= now) {
      this.#cache.delete(token);
      throw new TokenExpiredError();
    }
    const known = this.#knownPrincipals?.();
    if (known !== undefined && !known.includes(claims.principal)) {
      throw new UnknownPrincipalError(claims.principal);
    }
    return { principal: claims.principal };
  }

  async #verifyAndRemember(token: string, now: number): Promise<VerifiedClaims> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await this.#key, {
        algorithms: [TOKEN_ALGORITHM],
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
        requiredClaims: REQUIRED_CLAIMS,
        currentDate: new Date(now),
      }));
    } catch (error) {
      throw toAuthError(error);
    }
    // jose checked presence and types of sub and exp (requiredClaims), so these hold.
    const claims = { principal: payload.sub as string, expiresAt: (payload.exp as number) * 1000 };
    this.#cache.set(token, claims);
    return claims;
  }
}

// Translates jose's errors into ours, whose messages are fit for the client; anything else is a bug
// and propagates as is.
function toAuthError(error: unknown): AuthError {
  if (error instanceof errors.JWTExpired) return new TokenExpiredError();
  if (error instanceof errors.JWSSignatureVerificationFailed) return new InvalidSignatureError();
  if (error instanceof errors.JWTClaimValidationFailed) return new InvalidClaimsError(error.claim);
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new MalformedTokenError(`Token must be signed with ${TOKEN_ALGORITHM}.`);
  }
  if (error instanceof errors.JOSEError) return new MalformedTokenError();
  throw error;
}
