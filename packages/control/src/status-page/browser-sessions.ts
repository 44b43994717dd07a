import { randomBytes } from 'node:crypto';
import type { Clock } from '@vaultover/foundation';

/** A browser session lasts this long from its login, however busy: then `vaultover status --web` again. */
export const SESSION_LIFETIME_MS = 8 * 60 * 60 * 1000;

/** Open sessions; the oldest is ended past this. */
const MAX_SESSIONS = 32;

/** A logged-in browser. */
export interface BrowserSession {
  /** The session cookie's value. */
  readonly id: string;
  readonly principal: string;
  /** What the page sends in the CSRF header with every request that changes something. */
  readonly csrfToken: string;
  /** Epoch ms. */
  readonly expiresAt: number;
}

/**
 * The status page's sessions, in this control process's memory only, so that a restart ends them all
 * (their cookies are refused afterwards) and no session secret is ever written anywhere.
 */
export class BrowserSessions {
  readonly #clock: Clock;
  readonly #lifetimeMs: number;
  readonly #open = new Map<string, BrowserSession>();

  constructor(clock: Clock, lifetimeMs = SESSION_LIFETIME_MS) {
    this.#clock = clock;
    this.#lifetimeMs = lifetimeMs;
  }

  get lifetimeMs(): number {
    return this.#lifetimeMs;
  }

  open(principal: string): BrowserSession {
    while (this.#open.size >= MAX_SESSIONS) this.#open.delete(this.#open.keys().next().value as string);
    const session: BrowserSession = {
      id: randomBytes(32).toString('base64url'),
      principal,
      csrfToken: randomBytes(32).toString('base64url'),
      expiresAt: this.#clock.now() + this.#lifetimeMs,
    };
    this.#open.set(session.id, session);
    return session;
  }

  /** The session with this id while it lasts; an ended one is forgotten. */
  find(id: string): BrowserSession | undefined {
    const session = this.#open.get(id);
    if (session && this.#clock.now() >= session.expiresAt) {
      this.#open.delete(id);
      return undefined;
    }
    return session;
  }

  end(id: string): void {
    this.#open.delete(id);
  }
}
