import { type Clock, systemClock } from '@vaultover/foundation';
import { UnauthorizedError } from '@vaultover/vault/errors';
import { AuthError } from './tokens/auth-errors.ts';
import { challengeHeader } from './tokens/challenge.ts';
import type { TokenVerifier } from './tokens/token-verifier.ts';

/** Turns the Authorization header into a principal name, or throws a 401 VaultError. */
export interface Authenticator {
  authenticate(authorization: string | undefined): Promise<string>;
  /** The `WWW-Authenticate` challenge sent with every 401. */
  readonly challenge: string;
}

/**
 * Bearer-token authentication for the data plane. Token lifetimes are checked against real time:
 * tokens belong to the client's world, and a simulated 90-day time shift must not log everyone out.
 */
export class TokenAuthenticator implements Authenticator {
  readonly challenge: string;
  readonly #verifier: TokenVerifier;
  readonly #clock: Clock;

  constructor(verifier: TokenVerifier, tenantId: string, clock: Clock = systemClock) {
    this.#verifier = verifier;
    this.#clock = clock;
    this.challenge = challengeHeader({ tenantId });
  }

  async authenticate(authorization: string | undefined): Promise<string> {
    try {
      return (await this.#verifier.verify(authorization, this.#clock.now())).principal;
    } catch (error) {
      if (error instanceof AuthError) throw new UnauthorizedError(error.message);
      throw error;
    }
  }
}
