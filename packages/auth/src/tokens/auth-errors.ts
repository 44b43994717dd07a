import { CodedError } from '@vaultover/foundation';

/** Machine-readable reason a request was not authenticated. */
export type AuthErrorCode =
  | 'MissingToken'
  | 'MalformedToken'
  | 'InvalidSignature'
  | 'TokenExpired'
  | 'InvalidClaims'
  | 'UnknownPrincipal';

/**
 * Base of every authentication failure. `message` is safe to return to the client: it says
 * what is wrong and never contains the token.
 */
export class AuthError extends CodedError<AuthErrorCode> {
  readonly code: AuthErrorCode;

  constructor(code: AuthErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** Message Key Vault sends when no bearer token came with the request. */
export const MISSING_TOKEN_MESSAGE = 'AKV10000: Request is missing a Bearer or PoP token.';

/** No `Authorization: Bearer …` header; the expected first step of the SDK's challenge flow. */
export class MissingTokenError extends AuthError {
  constructor() {
    super('MissingToken', MISSING_TOKEN_MESSAGE);
  }
}

/** The bearer value is not a JWT we could have issued. */
export class MalformedTokenError extends AuthError {
  constructor(detail = 'Token is malformed.') {
    super('MalformedToken', detail);
  }
}

/** The JWT was not signed with this deployment's key. */
export class InvalidSignatureError extends AuthError {
  constructor() {
    super('InvalidSignature', 'Token signature is invalid.');
  }
}

/** The JWT's `exp` has passed, in real time (the simulated clock does not expire tokens). */
export class TokenExpiredError extends AuthError {
  constructor() {
    super('TokenExpired', 'Token is expired.');
  }
}

/** Correctly signed, but `iss`, `aud` or a required claim is wrong or missing. */
export class InvalidClaimsError extends AuthError {
  readonly claim: string;

  constructor(claim: string) {
    super('InvalidClaims', `Token claim "${claim}" is missing or invalid.`);
    this.claim = claim;
  }
}

/**
 * The principal is not configured in this deployment. When issuing, the message lists the
 * known principals to help the operator; when verifying it does not, since the caller is
 * unauthenticated.
 */
export class UnknownPrincipalError extends AuthError {
  readonly principal: string;

  constructor(principal: string, knownPrincipals?: readonly string[]) {
    const known = knownPrincipals === undefined ? '' : ` Known principals: ${listOf(knownPrincipals)}.`;
    super(
      'UnknownPrincipal',
      `Principal ${JSON.stringify(principal)} is not known to this deployment.${known}`,
    );
    this.principal = principal;
  }
}

function listOf(names: readonly string[]): string {
  return names.length === 0 ? '(none)' : names.map((name) => JSON.stringify(name)).join(', ');
}
