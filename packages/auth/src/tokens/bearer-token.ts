import { MalformedTokenError, MissingTokenError } from './auth-errors.ts';

// RFC 7235: the scheme name is case-insensitive.
const BEARER = /^Bearer(?:\s+(.*))?$/is;
// Compact JWS: three base64url segments. Checked up front so junk never reaches jose.
const COMPACT_JWS = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/**
 * Extracts the JWT from an `Authorization` header value.
 * @throws MissingTokenError when there is no header, no token, or another scheme (Basic, PoP),
 *   so the client gets the challenge it needs to come back with a bearer token.
 * @throws MalformedTokenError when the bearer value is not a compact JWS.
 */
export function bearerTokenFrom(authorization: string | undefined): string {
  const match = authorization === undefined ? null : BEARER.exec(authorization.trim());
  const token = match?.[1]?.trim();
  if (!token) throw new MissingTokenError();
  if (!COMPACT_JWS.test(token)) throw new MalformedTokenError();
  return token;
}
