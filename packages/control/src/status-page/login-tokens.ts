import { randomBytes } from 'node:crypto';
import type { Clock } from '@vaultover/foundation';

/** How long a login link works: long enough to paste it into a browser, short enough to be useless later. */
export const LOGIN_TOKEN_LIFETIME_MS = 60_000;

/** Login tokens waiting to be used at once; the oldest is dropped past this (nobody needs more). */
const MAX_WAITING_TOKENS = 64;

/** A token just issued, for `vaultover status --web` to put in the URL it prints. */
export interface IssuedLoginToken {
  readonly token: string;
  /** Epoch ms. */
  readonly expiresAt: number;
}

interface Waiting {
  readonly principal: string;
  readonly expiresAt: number;
}

/**
 * Short-lived, single-use tokens that log a browser in (`GET /login?token=…`). They live in this control
 * process's memory only: a token is redeemed where it was issued, and a restart forgets it.
 */
export class LoginTokens {
  readonly #clock: Clock;
  readonly #lifetimeMs: number;
  readonly #waiting = new Map<string, Waiting>();

  constructor(clock: Clock, lifetimeMs = LOGIN_TOKEN_LIFETIME_MS) {
    this.#clock = clock;
    this.#lifetimeMs = lifetimeMs;
  }

  issue(principal: string): IssuedLoginToken {
    this.#forgetExpired();
    while (this.#waiting.size >= MAX_WAITING_TOKENS)
      this.#waiting.delete(this.#waiting.keys().next().value as string);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = this.#clock.now() + this.#lifetimeMs;
    this.#waiting.set(token, { principal, expiresAt });
    return { token, expiresAt };
  }

  /** The principal the token was issued for, once: the token is spent whether or not it was still valid. */
  redeem(token: string): string | undefined {
    const waiting = this.#waiting.get(token);
    this.#waiting.delete(token);
    if (!waiting || this.#clock.now() >= waiting.expiresAt) return undefined;
    return waiting.principal;
  }

  #forgetExpired(): void {
    const now = this.#clock.now();
    for (const [token, { expiresAt }] of this.#waiting) if (now >= expiresAt) this.#waiting.delete(token);
  }
}
