import { type AuthError, MISSING_TOKEN_MESSAGE } from './auth-errors.ts';
import { TOKEN_AUDIENCE } from './token-claims.ts';

/** Tenant named in the challenge unless configured: the all-zero GUID, clearly not a real one. */
export const DEFAULT_TENANT_ID = '00000000-0000-0000-0000-000000000000';

/** Options for {@link challengeHeader}. */
export interface ChallengeOptions {
  /** Tenant the SDK passes to the credential as `tenantId`. Default {@link DEFAULT_TENANT_ID}. */
  tenantId?: string;
}

/**
 * The authority host the real service names in its challenge: every recorded 401 of the Azure SDK
 * for JS's Key Vault tests (2022, api-version 7.3) says `https://login.windows.net/<tenant>`. The
 * SDKs only read the tenant from its path, so the host matters to clients that parse it themselves.
 */
const CHALLENGE_AUTHORITY = 'https://login.windows.net';

/**
 * The `WWW-Authenticate` value to send with every 401, in the form the Key Vault SDK's
 * challenge policy parses: it takes the scope from `resource` and the tenant from the last
 * path segment of `authorization`.
 */
export function challengeHeader(options: ChallengeOptions = {}): string {
  const tenantId = options.tenantId ?? DEFAULT_TENANT_ID;
  return `Bearer authorization="${CHALLENGE_AUTHORITY}/${tenantId}", resource="${TOKEN_AUDIENCE}"`;
}

/** JSON body of a Key Vault 401. */
export interface UnauthorizedBody {
  error: { code: 'Unauthorized'; message: string };
}

/** The 401 body Key Vault sends when the request had no token (the first leg of the challenge). */
export const MISSING_TOKEN_BODY: UnauthorizedBody = Object.freeze({
  error: Object.freeze({ code: 'Unauthorized', message: MISSING_TOKEN_MESSAGE }),
});

/** The 401 body for any authentication failure; its message never contains the token. */
export function unauthorizedBody(error: AuthError): UnauthorizedBody {
  return { error: { code: 'Unauthorized', message: error.message } };
}
