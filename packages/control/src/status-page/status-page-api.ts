import { NotFoundError } from '@vaultover/vault';
import type { Request } from 'express';
import type { Handler } from '../api/control-api.ts';
import type { BrowserSessions } from './browser-sessions.ts';
import type { EventStreams } from './event-streams.ts';
import type { LoginTokens } from './login-tokens.ts';
import { sessionOf } from './session-auth.ts';

/** What lets a browser in and keeps it informed (docs/status-page.md). */
export interface BrowserAccess {
  readonly sessions: BrowserSessions;
  readonly loginTokens: LoginTokens;
  readonly streams: EventStreams;
}

type AddRoute = (method: 'get' | 'post' | 'delete', path: string, handler: Handler) => void;

/**
 * The status page's JSON routes, behind the control API's authentication: a login token for
 * `vaultover status --web`, and the page's own session (its CSRF token; logging out).
 */
export function statusPageApi(route: AddRoute, browser: BrowserAccess): void {
  route('post', '/api/login-tokens', async (_req, principal) => {
    const { token, expiresAt } = browser.loginTokens.issue(principal);
    return {
      status: 201,
      body: { token, path: `/login?token=${token}`, expiresAt: new Date(expiresAt).toISOString() },
    };
  });
  route('get', '/api/session', async (req) => {
    const session = browserSession(browser.sessions, req);
    return {
      body: {
        principal: session.principal,
        csrfToken: session.csrfToken,
        expiresAt: new Date(session.expiresAt).toISOString(),
      },
    };
  });
  // The browser keeps its cookie, which now names no session: the page it reloads is the login page.
  route('delete', '/api/session', async (req) => {
    browser.sessions.end(browserSession(browser.sessions, req).id);
    return { status: 204, body: undefined };
  });
}

/** The request's own session; a bearer request has none (its session cookie, if any, is not read). */
function browserSession(sessions: BrowserSessions, req: Request) {
  const session = sessionOf(sessions, req);
  if (!session) {
    throw new NotFoundError(
      'SessionNotFound',
      'This request carries no status page session (a bearer token has none); log in with vaultover status --web.',
    );
  }
  return session;
}
