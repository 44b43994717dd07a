import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ForbiddenError, UnauthorizedError } from '@vaultover/vault';
import type { BrowserSession, BrowserSessions } from './browser-sessions.ts';

/**
 * The session cookie. The `__Host-` prefix makes the browser refuse it unless it is Secure, has Path=/
 * and no Domain: no other host (or plain-HTTP page) can set or shadow it.
 */
export const SESSION_COOKIE = '__Host-vaultover-session';

/** The header that carries the session's CSRF token on every request that changes something. */
export const CSRF_HEADER = 'x-vaultover-csrf';

/** Methods that change nothing, so need no CSRF token. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** What the check reads of a request. */
export interface SessionRequest {
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
}

/**
 * The session a control API request is made under, when it is made by the status page: undefined when it
 * carries an `Authorization` header (the bearer way, exactly as before) or no session cookie (then the
 * bearer way's 401 applies). Throws a 401 when the cookie names no open session, and a 403 when a request
 * that changes something lacks the session's CSRF token (docs/status-page.md, Sessions and CSRF).
 */
export function sessionOf(sessions: BrowserSessions, req: SessionRequest): BrowserSession | undefined {
  if (req.headers.authorization !== undefined) return undefined;
  const id = cookieValue(req.headers.cookie, SESSION_COOKIE);
  if (id === undefined) return undefined;
  const session = sessions.find(id);
  if (!session) {
    throw new UnauthorizedError(
      'The status page session has ended (sessions last until the control process restarts, at most ' +
        `${sessions.lifetimeMs / 3_600_000} hours): run vaultover status --web to log in again.`,
    );
  }
  if (!SAFE_METHODS.has(req.method) && !sameSecret(req.headers[CSRF_HEADER], session.csrfToken)) {
    throw new ForbiddenError(
      `A request of the status page that changes something must carry the session's ${CSRF_HEADER} header; reload the page.`,
    );
  }
  return session;
}

/** One cookie's value from a `Cookie` header (our cookies' values are base64url: nothing to decode). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const pair of (header ?? '').split(';')) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}

function sameSecret(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
