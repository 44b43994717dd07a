import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Response } from 'express';
import type { BrowserSessions } from './browser-sessions.ts';
import type { LoginTokens } from './login-tokens.ts';
import { cookieValue, SESSION_COOKIE } from './session-auth.ts';

const PUBLIC = fileURLToPath(new URL('./public/', import.meta.url));
/** uPlot is served from its npm package as it is: no CDN, no bundling. */
const UPLOT = join(dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist');

/** Every file under /assets/, by name: nothing else on disk can be asked for. */
const ASSETS: ReadonlyMap<string, string> = new Map([
  ['status-page.js', join(PUBLIC, 'status-page.js')],
  ['status-page.css', join(PUBLIC, 'status-page.css')],
  ['uPlot.esm.js', join(UPLOT, 'uPlot.esm.js')],
  ['uPlot.min.css', join(UPLOT, 'uPlot.min.css')],
]);

/**
 * The pages' headers: scripts, styles and connections from this origin only (uPlot styles its elements
 * through the DOM, which a CSP allows), never framed, and a URL that carried a login token is never
 * sent on as a Referer.
 */
const PAGE_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
};

/**
 * The status page's pages (docs/status-page.md): `/` (the page for a logged-in browser, how to log in
 * for any other), `/login?token=…` (a login token exchanged for the session cookie) and `/assets/<file>`.
 */
export function statusPageRoutes(browser: {
  sessions: BrowserSessions;
  loginTokens: LoginTokens;
}): express.Router {
  const router = express.Router();
  router.get('/', (req, res) => {
    const id = cookieValue(req.headers.cookie, SESSION_COOKIE);
    sendPage(res, id !== undefined && browser.sessions.find(id) ? 'index.html' : 'login.html', 200);
  });
  router.get('/login', (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    const principal = token === '' ? undefined : browser.loginTokens.redeem(token);
    if (principal === undefined) return sendPage(res, 'login.html', 401);
    const session = browser.sessions.open(principal);
    res
      .set(PAGE_HEADERS)
      .cookie(SESSION_COOKIE, session.id, {
        httpOnly: true,
        secure: true,
        sameSite: 'strict',
        path: '/',
        maxAge: browser.sessions.lifetimeMs,
      })
      .redirect(303, '/');
  });
  router.get('/assets/:name', (req, res, next) => {
    const file = ASSETS.get(req.params.name);
    if (!file) return next();
    res.set({ 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' }).sendFile(file);
  });
  return router;
}

function sendPage(res: Response, page: 'index.html' | 'login.html', status: number): void {
  res.status(status).set(PAGE_HEADERS).sendFile(join(PUBLIC, page));
}
