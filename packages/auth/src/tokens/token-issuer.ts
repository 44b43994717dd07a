import { randomUUID, type webcrypto } from 'node:crypto';
import { type Clock, systemClock } from '@vaultover/foundation';
import { SignJWT } from 'jose';
import { UnknownPrincipalError } from './auth-errors.ts';
import { importHmacKey } from './hmac-key.ts';
import { TOKEN_ALGORITHM, TOKEN_AUDIENCE, TOKEN_ISSUER } from './token-claims.ts';

/** Options for {@link TokenIssuer}. */
export interface TokenIssuerOptions {
  /** The deployment key from {@link ensureSigningKey}. */
  signingKey: Uint8Array;
  /** Source of `iat`/`exp`. Default: the wall clock. */
  clock?: Clock;
  /** When given, only these principals get tokens. Called per issue, so config reloads apply. */
  knownPrincipals?: () => readonly string[];
}

/** Options for {@link TokenIssuer.issue}. */
export interface IssueOptions {
  /** Token lifetime. Default 3600 s, like Entra ID access tokens. */
  ttlSeconds?: number;
}

/** A signed token and when it stops being accepted (ms since epoch), as `AccessToken` wants. */
export interface IssuedToken {
  token: string;
  expiresOnTimestamp: number;
}

/** Signs HS256 bearer tokens for principals of this deployment. */
export class TokenIssuer {
  readonly #key: Promise<webcrypto.CryptoKey>;
  readonly #clock: Clock;
  readonly #knownPrincipals: (() => readonly string[]) | undefined;

  constructor(options: TokenIssuerOptions) {
    this.#key = importHmacKey(options.signingKey, 'sign');
    this.#clock = options.clock ?? systemClock;
    this.#knownPrincipals = options.knownPrincipals;
  }

  /**
   * Issues a token naming `principal` as `sub`.
   * @throws UnknownPrincipalError when `knownPrincipals` was given and does not list it.
   */
  async issue(principal: string, options: IssueOptions = {}): Promise<IssuedToken> {
    const known = this.#knownPrincipals?.();
    if (known !== undefined && !known.includes(principal)) throw new UnknownPrincipalError(principal, known);
    const ttlSeconds = options.ttlSeconds ?? 3600;
    if (!(ttlSeconds > 0)) throw new RangeError(`ttlSeconds must be positive, got ${ttlSeconds}`);
    // JWT times are whole seconds; flooring `now` keeps exp within the requested lifetime.
    const issuedAt = Math.floor(this.#clock.now() / 1000);
    const expiresAt = issuedAt + Math.floor(ttlSeconds);
    const token = await new SignJWT()
      .setProtectedHeader({ alg: TOKEN_ALGORITHM, typ: 'JWT' })
      .setSubject(principal)
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .setJti(randomUUID())
      .sign(await this.#key);
    return { token, expiresOnTimestamp: expiresAt * 1000 };
  }
}
