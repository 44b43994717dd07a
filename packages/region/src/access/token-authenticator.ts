import { UnauthorizedError } from '@vaultover/vault';
import { AuthError, challengeHeader, type TokenVerifier } from '../auth/index.ts';
import type { Authenticator } from '../http/app.ts';

/**
 * Bearer-token authentication for the data plane. Token lifetimes are checked against real time:
 * tokens belong to the client's world, and a simulated 90-day time shift must not log everyone out.
 */
export class TokenAuthenticator implements Authenticator {
  readonly challenge: string;
  readonly #verifier: TokenVerifier;

  constructor(verifier: TokenVerifier, tenantId: string) {
    this.#verifier = verifier;
    this.challenge = challengeHeader({ tenantId });
  }

  async authenticate(authorization: string | undefined): Promise<string> {
    try {
      return (await this.#verifier.verify(authorization, Date.now())).principal;
    } catch (error) {
      if (error instanceof AuthError) throw new UnauthorizedError(error.message);
      throw error;
    }
  }
}
