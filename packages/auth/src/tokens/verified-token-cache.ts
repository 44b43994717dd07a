/** What a successful verification established about a token. */
export interface VerifiedClaims {
  principal: string;
  /** `exp` in ms since epoch. */
  expiresAt: number;
}

/**
 * Remembers tokens that passed signature and claim checks, keyed by the exact token string,
 * so repeat requests skip the HMAC. Bounded: when full, the oldest entry goes first. Expiry
 * is the caller's job: it passes the time to check against (real time, in the servers).
 */
export class VerifiedTokenCache {
  readonly #entries = new Map<string, VerifiedClaims>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** The verified claims for `token`, if cached. */
  get(token: string): VerifiedClaims | undefined {
    return this.#entries.get(token);
  }

  /** Caches `claims` for `token`, evicting the oldest entry when at capacity. */
  set(token: string, claims: VerifiedClaims): void {
    if (this.#capacity <= 0) return;
    if (!this.#entries.has(token) && this.#entries.size >= this.#capacity) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(token, claims);
  }

  /** Forgets `token`. */
  delete(token: string): void {
    this.#entries.delete(token);
  }

  /** Number of cached tokens. */
  get size(): number {
    return this.#entries.size;
  }
}
