export {
  AuthError,
  type AuthErrorCode,
  InvalidClaimsError,
  InvalidSignatureError,
  MalformedTokenError,
  MissingTokenError,
  TokenExpiredError,
  UnknownPrincipalError,
} from './auth-errors.ts';
export {
  type ChallengeOptions,
  challengeHeader,
  DEFAULT_TENANT_ID,
  MISSING_TOKEN_BODY,
  type UnauthorizedBody,
  unauthorizedBody,
} from './challenge.ts';
export { ensureSigningKey, readSigningKey } from './signing-key.ts';
export { TOKEN_AUDIENCE, TOKEN_ISSUER } from './token-claims.ts';
export { type IssuedToken, type IssueOptions, TokenIssuer, type TokenIssuerOptions } from './token-issuer.ts';
export { TokenVerifier, type TokenVerifierOptions, type VerifiedRequest } from './token-verifier.ts';
export {
  type DataDirCredentialOptions,
  type SigningKeyCredentialOptions,
  VaultoverCredential,
  type VaultoverCredentialOptions,
} from './vaultover-credential.ts';
