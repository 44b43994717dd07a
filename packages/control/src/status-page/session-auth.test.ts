import { ManualClock } from '@vaultover/testkit';
import { isVaultError, type VaultError } from '@vaultover/vault';
import { describe, expect, it } from 'vitest';
import { BrowserSessions, SESSION_LIFETIME_MS } from './browser-sessions.ts';
import { LOGIN_TOKEN_LIFETIME_MS, LoginTokens } from './login-tokens.ts';
import { CSRF_HEADER, cookieValue, SESSION_COOKIE, type SessionRequest, sessionOf } from './session-auth.ts';

// The status page's way in (docs/status-page.md, Sessions and CSRF), on a manual clock: a login token
// works once and for a minute; a session lasts its lifetime; a request under a session that changes
// something needs the session's CSRF token; a bearer request never reads the cookie.

function request(method: string, headers: SessionRequest['headers'] = {}): SessionRequest {
  return { method, headers };
}

function refusal(attempt: () => unknown): VaultError {
  try {
    attempt();
  } catch (error) {
    if (isVaultError(error)) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('login tokens', () => {
  it('log in once: a second use of the same token is refused', () => {
    const tokens = new LoginTokens(new ManualClock());
    const { token } = tokens.issue('admin');
    expect(tokens.redeem(token)).toBe('admin');
    expect(tokens.redeem(token)).toBeUndefined();
  });

  it('expire after their lifetime, and an expired token is spent', async () => {
    const clock = new ManualClock();
    const tokens = new LoginTokens(clock);
    const early = tokens.issue('admin');
    const late = tokens.issue('admin');
    expect(late.expiresAt).toBe(clock.now() + LOGIN_TOKEN_LIFETIME_MS);
    await clock.advance(LOGIN_TOKEN_LIFETIME_MS - 1);
    expect(tokens.redeem(early.token)).toBe('admin');
    await clock.advance(1);
    expect(tokens.redeem(late.token)).toBeUndefined();
  });

  it('refuse a token that was never issued, and each issued token is different', () => {
    const tokens = new LoginTokens(new ManualClock());
    const a = tokens.issue('admin');
    const b = tokens.issue('admin');
    expect(a.token).not.toBe(b.token);
    expect(a.token).toMatch(/^[\w-]{43}$/);
    expect(tokens.redeem(`${a.token}x`)).toBeUndefined();
    expect(tokens.redeem('')).toBeUndefined();
  });
});

describe('browser sessions', () => {
  it('last their lifetime and no longer', async () => {
    const clock = new ManualClock();
    const sessions = new BrowserSessions(clock);
    const session = sessions.open('admin');
    await clock.advance(SESSION_LIFETIME_MS - 1);
    expect(sessions.find(session.id)?.principal).toBe('admin');
    await clock.advance(1);
    expect(sessions.find(session.id)).toBeUndefined();
  });

  it('end when asked, and another process (a restart) knows none of them', () => {
    const clock = new ManualClock();
    const sessions = new BrowserSessions(clock);
    const session = sessions.open('admin');
    expect(new BrowserSessions(clock).find(session.id)).toBeUndefined();
    sessions.end(session.id);
    expect(sessions.find(session.id)).toBeUndefined();
  });
});

describe('sessionOf', () => {
  const setup = () => {
    const clock = new ManualClock();
    const sessions = new BrowserSessions(clock);
    const session = sessions.open('admin');
    const cookie = `other=1; ${SESSION_COOKIE}=${session.id}`;
    return { clock, sessions, session, cookie };
  };

  it('lets a safe request in by its cookie alone', () => {
    const { sessions, session, cookie } = setup();
    expect(sessionOf(sessions, request('GET', { cookie }))).toBe(session);
  });

  it('lets a request that changes something in with the CSRF token, and refuses it without or with another', () => {
    const { sessions, session, cookie } = setup();
    expect(sessionOf(sessions, request('POST', { cookie, [CSRF_HEADER]: session.csrfToken }))).toBe(session);
    for (const method of ['POST', 'DELETE', 'PUT']) {
      const missing = refusal(() => sessionOf(sessions, request(method, { cookie })));
      expect([missing.status, missing.code]).toEqual([403, 'Forbidden']);
      expect(missing.message).toContain(`must carry the session's ${CSRF_HEADER} header`);
    }
    const other = sessions.open('admin');
    const wrong = refusal(() =>
      sessionOf(sessions, request('POST', { cookie, [CSRF_HEADER]: other.csrfToken })),
    );
    expect(wrong.status).toBe(403);
    const short = refusal(() => sessionOf(sessions, request('POST', { cookie, [CSRF_HEADER]: 'x' })));
    expect(short.status).toBe(403);
  });

  it('refuses an ended session with 401 saying how to log in again', async () => {
    const { clock, sessions, cookie } = setup();
    await clock.advance(SESSION_LIFETIME_MS);
    const ended = refusal(() => sessionOf(sessions, request('GET', { cookie })));
    expect([ended.status, ended.code]).toEqual([401, 'Unauthorized']);
    expect(ended.message).toContain('run vaultover status --web to log in again');
    const unknown = refusal(() =>
      sessionOf(sessions, request('GET', { cookie: `${SESSION_COOKIE}=not-a-session` })),
    );
    expect(unknown.status).toBe(401);
  });

  it('leaves a request with an Authorization header, or without the cookie, to the bearer way', () => {
    const { sessions, cookie } = setup();
    expect(sessionOf(sessions, request('POST', { cookie, authorization: 'Bearer x' }))).toBeUndefined();
    expect(sessionOf(sessions, request('POST', { cookie: 'other=1' }))).toBeUndefined();
    expect(sessionOf(sessions, request('GET'))).toBeUndefined();
  });
});

describe('cookieValue', () => {
  it('reads one cookie among several, and nothing from a name that only ends the same', () => {
    expect(cookieValue('a=1; b=2;c=3', 'b')).toBe('2');
    expect(cookieValue('xb=2', 'b')).toBeUndefined();
    expect(cookieValue(undefined, 'b')).toBeUndefined();
  });
});
