import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { type Clock, systemClock } from '@vaultover/foundation';
import { readSigningKey } from './signing-key.ts';
import { TokenIssuer } from './token-issuer.ts';

interface CredentialBaseOptions {
  /** Principal the tokens name (`sub`); must be configured on the server. */
  principal: string;
  /** Token lifetime. Default 3600 s. */
  ttlSeconds?: number;
  /** Clock for `iat`/`exp` and the cache. Default: the wall clock, which the SDK also uses. */
  clock?: Clock;
}

/** Signs with the key in `<dataDir>/token.key`, which the region creates on first start. */
export interface DataDirCredentialOptions extends CredentialBaseOptions {
  dataDir: string;
}

/** Signs with a key the caller already holds. */
export interface SigningKeyCredentialOptions extends CredentialBaseOptions {
  signingKey: Uint8Array;
}

/** Options for {@link VaultoverCredential}. */
export type VaultoverCredentialOptions = DataDirCredentialOptions | SigningKeyCredentialOptions;

// Like the SDK's own refresh window, renew well before expiry so a token is never sent stale.
const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * A `TokenCredential` for Vaultover: signs tokens locally with the deployment key, with no
 * network round trip, for `new SecretClient(url, credential)` and the other Key Vault clients.
 * Scopes and tenant are ignored: every token is for the Key Vault audience. A token is reused
 * until five minutes before it expires.
 */
export class VaultoverCredential implements TokenCredential {
  readonly #options: VaultoverCredentialOptions;
  readonly #clock: Clock;
  #issuer: Promise<TokenIssuer> | undefined;
  #cached: AccessToken | undefined;

  constructor(options: VaultoverCredentialOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
  }

  /** Returns the cached token while it has more than five minutes left, else a fresh one. */
  async getToken(_scopes: string | string[], _options?: GetTokenOptions): Promise<AccessToken> {
    const cached = this.#cached;
    if (cached && cached.expiresOnTimestamp - REFRESH_MARGIN_MS > this.#clock.now()) return cached;
    const issuer = await this.#issuerOnce();
    const issued = await issuer.issue(this.#options.principal, { ttlSeconds: this.#options.ttlSeconds });
    const token: AccessToken = {
      token: issued.token,
      expiresOnTimestamp: issued.expiresOnTimestamp,
      refreshAfterTimestamp: issued.expiresOnTimestamp - REFRESH_MARGIN_MS,
      tokenType: 'Bearer',
    };
    this.#cached = token;
    return token;
  }

  // Reading the key file waits for the first getToken, so a constructor never fails or floats a promise.
  #issuerOnce(): Promise<TokenIssuer> {
    this.#issuer ??= this.#createIssuer().catch((error: unknown) => {
      this.#issuer = undefined;
      throw error;
    });
    return this.#issuer;
  }

  async #createIssuer(): Promise<TokenIssuer> {
    const options = this.#options;
    const signingKey = 'signingKey' in options ? options.signingKey : await readSigningKey(options.dataDir);
    return new TokenIssuer({ signingKey, clock: this.#clock });
  }
}
