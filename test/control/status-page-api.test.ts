import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_PRINCIPALS } from '@vaultover/auth';
import { type ControlEvent, type ControlProcess, startControl } from '@vaultover/control';
import { eventually, ManualClock, startTestRedis, type TestRedis, tempDir } from '@vaultover/testkit';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialFor, type RawResponse, rawRequest } from '../support/clients.ts';
import type { TestRegion } from '../support/region.ts';
import { openEventStream, type SseReader } from '../support/sse-reader.ts';

// The status page's routes on a real control process (real control Redis, real HTTPS) whose clock the
// test drives (docs/status-page.md): a login link works once and for a minute, the cookie it gives works
// for reading and, with the CSRF header only, for changing; the bearer API is as it was; the event
// stream starts with the recent events, resumes after Last-Event-ID without repeating or skipping, and
// carries new events and status snapshots as they come. No region node runs.

/** What the feed reads every so often, on the control's clock (status-feed.ts). */
const EVENT_POLL_MS = 250;
const LOGIN_TOKEN_LIFETIME_MS = 60_000;
const SESSION_COOKIE = '__Host-vaultover-session';
const CSRF_HEADER = 'x-vaultover-csrf';

let redis: TestRedis;
let dir: { path: string; remove: () => Promise<void> };
let clock: ManualClock;
let control: ControlProcess;
let api: TestRegion;
const streams: SseReader[] = [];

beforeAll(async () => {
  redis = await startTestRedis('control');
  dir = await tempDir('vaultover-status-page-');
  clock = new ManualClock();
  control = await startControl({
    controlRedisUrl: redis.url,
    // Nothing listens there: probes fail, and are never repeated within the test's clock.
    regions: [
      { name: 'westeurope', role: 'primary', url: 'https://localhost:1' },
      { name: 'northeurope', role: 'secondary', url: 'https://localhost:2' },
    ],
    dataDir: dir.path,
    principals: DEFAULT_PRINCIPALS,
    monitor: { probeIntervalMs: 1e9, failureThreshold: 100 },
    clock,
    logger: pino({ level: 'silent' }),
  });
  const ca = await readFile(join(dir.path, 'tls', 'ca.pem'), 'utf8');
  api = { port: Number(new URL(control.url).port), ca, dataDir: dir.path } as TestRegion;
});

afterAll(async () => {
  for (const stream of streams) stream.close();
  await control?.close();
  await redis?.stop();
  await dir?.remove();
});

const call = (
  method: string,
  path: string,
  options: { principal?: string; headers?: Record<string, string> } = {},
) => rawRequest(api, { method, path, ...options });

function errorOf(reply: RawResponse): { code: string; message: string } {
  return (reply.json as { error: { code: string; message: string } }).error;
}

async function loginPath(): Promise<string> {
  const reply = await call('POST', '/api/login-tokens', { principal: 'admin' });
  expect(reply.status).toBe(201);
  const body = reply.json as { token: string; path: string; expiresAt: string };
  expect(body.path).toBe(`/login?token=${body.token}`);
  expect(Date.parse(body.expiresAt)).toBe(clock.now() + LOGIN_TOKEN_LIFETIME_MS);
  return body.path;
}

/** Logs in through a fresh link: the session cookie (as a Cookie header) and its CSRF token. */
async function logIn(): Promise<{ cookie: string; csrf: string }> {
  const reply = await call('GET', await loginPath());
  const cookie = String(reply.headers['set-cookie']?.[0] ?? '').split(';')[0] as string;
  const session = await call('GET', '/api/session', { headers: { cookie } });
  return { cookie, csrf: (session.json as { csrfToken: string }).csrfToken };
}

async function stream(headers: Record<string, string>, query = ''): Promise<SseReader> {
  const token = await credentialFor(api, 'admin').getToken('https://vault.azure.net/.default');
  const reader = await openEventStream(`${control.url}/api/events/stream${query}`, api.ca, {
    authorization: `Bearer ${token.token}`,
    ...headers,
  });
  streams.push(reader);
  return reader;
}

const controlEvents = (reader: SseReader): ControlEvent[] =>
  reader.messages.filter((m) => m.event === 'control').map((m) => JSON.parse(m.data) as ControlEvent);

describe('logging in to the status page', () => {
  it('exchanges a login link once for an HttpOnly, Secure, SameSite=Strict cookie and a redirect to /', async () => {
    const path = await loginPath();
    const first = await call('GET', path);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    expect(first.headers['referrer-policy']).toBe('no-referrer');
    const cookie = String(first.headers['set-cookie']?.[0]);
    expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=[\\w-]{43}; Max-Age=28800; Path=/; Expires=`));
    expect(cookie).toContain('; HttpOnly; Secure; SameSite=Strict');

    const again = await call('GET', path);
    expect(again.status).toBe(401);
    expect(again.headers['set-cookie']).toBeUndefined();
    expect(again.text).toContain('vaultover status --web');

    const page = await call('GET', '/', { headers: { cookie: cookie.split(';')[0] as string } });
    expect(page.status).toBe(200);
    expect(page.text).toContain('id="failover-state"');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('refuses a login link after 60 seconds', async () => {
    const path = await loginPath();
    await clock.advance(LOGIN_TOKEN_LIFETIME_MS);
    const late = await call('GET', path);
    expect(late.status).toBe(401);
    expect(late.headers['set-cookie']).toBeUndefined();
    expect((await call('GET', '/login?token=never-issued')).status).toBe(401);
    expect((await call('GET', '/login')).status).toBe(401);
  });

  it('shows how to log in, and no data, to a browser without a session', async () => {
    for (const cookie of [undefined, `${SESSION_COOKIE}=ended`]) {
      const page = await call('GET', '/', cookie ? { headers: { cookie } } : {});
      expect(page.status).toBe(200);
      expect(page.text).toContain('vaultover status --web');
      expect(page.text).not.toContain('id="failover-state"');
    }
  });

  it('serves the page module, its stylesheet and uPlot from the package, and nothing else under /assets', async () => {
    for (const [file, type] of [
      ['status-page.js', /javascript/],
      ['status-page.css', /css/],
      ['uPlot.esm.js', /javascript/],
      ['uPlot.min.css', /css/],
    ] as const) {
      const reply = await call('GET', `/assets/${file}`);
      expect([reply.status, reply.headers['content-type']]).toEqual([200, expect.stringMatching(type)]);
    }
    for (const name of ['index.html', '..%2Fstatus-page.ts', 'constructor']) {
      const missing = await call('GET', `/assets/${name}`);
      expect([missing.status, errorOf(missing).code]).toEqual([404, 'NotFound']);
    }
  });
});

describe('the session cookie at the control API', () => {
  it('reads with the cookie alone, and changes only with the CSRF header', async () => {
    const { cookie, csrf } = await logIn();
    expect((await call('GET', '/api/status', { headers: { cookie } })).status).toBe(200);

    const missing = await call('POST', '/api/monitor/pause', { headers: { cookie } });
    expect(missing.status).toBe(403);
    expect(errorOf(missing)).toEqual({
      code: 'Forbidden',
      message: `A request of the status page that changes something must carry the session's ${CSRF_HEADER} header; reload the page.`,
    });
    const wrong = await call('POST', '/api/monitor/pause', {
      headers: { cookie, [CSRF_HEADER]: `${csrf}x` },
    });
    expect(wrong.status).toBe(403);
    expect((await call('GET', '/api/status', { principal: 'admin' })).json).toMatchObject({ paused: false });

    const paused = await call('POST', '/api/monitor/pause', { headers: { cookie, [CSRF_HEADER]: csrf } });
    expect([paused.status, paused.json]).toEqual([200, { paused: true }]);
    const resumed = await call('POST', '/api/monitor/resume', { principal: 'admin' });
    expect([resumed.status, resumed.json]).toEqual([200, { paused: false }]);
  });

  it('ends at logout: the cookie is refused with 401, and the bearer API answers as before', async () => {
    const { cookie, csrf } = await logIn();
    expect((await call('DELETE', '/api/session', { headers: { cookie, [CSRF_HEADER]: csrf } })).status).toBe(
      204,
    );
    const refused = await call('GET', '/api/status', { headers: { cookie } });
    expect(refused.status).toBe(401);
    expect(errorOf(refused).message).toContain('run vaultover status --web to log in again');

    const anonymous = await call('GET', '/api/status');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer authorization=/);
    expect((await call('GET', '/api/session', { principal: 'admin' })).status).toBe(404);
    expect((await call('POST', '/api/login-tokens', { principal: 'officer' })).status).toBe(403);
  });
});

describe('GET /api/events/stream', () => {
  it('starts with the recent events and a status snapshot, then carries new events once each', async () => {
    await call('POST', '/api/monitor/pause', { principal: 'admin' });
    const reader = await stream({});
    expect(reader.status).toBe(200);
    expect(reader.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const logged = (await call('GET', '/api/events?limit=10000', { principal: 'admin' })).json as {
      value: ControlEvent[];
    };
    await eventually(() => expect(controlEvents(reader)).toEqual(logged.value.slice(-100)));
    await eventually(() => {
      const status = reader.messages.find((m) => m.event === 'status');
      expect(JSON.parse(status?.data ?? '{}')).toMatchObject({
        status: { state: 'normal', paused: true },
        faults: [],
        regionEpochs: { westeurope: null, northeurope: null },
      });
    });
    expect(reader.messages.some((m) => m.event === 'figures')).toBe(true);

    await call('POST', '/api/monitor/resume', { principal: 'admin' });
    await eventually(async () => {
      await clock.advance(EVENT_POLL_MS);
      expect(controlEvents(reader).at(-1)?.details).toEqual({ action: 'monitor-resume' });
    });
    const ids = controlEvents(reader).map((event) => event.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(
      reader.messages.filter((m) => m.event === 'control').every((m) => m.id === JSON.parse(m.data).id),
    ).toBe(true);
  });

  it('resumes after Last-Event-ID with exactly the events that came after it', async () => {
    const before = (
      (await call('GET', '/api/events', { principal: 'admin' })).json as { value: ControlEvent[] }
    ).value;
    const seen = before.at(-1)?.id as string;
    await call('POST', '/api/monitor/pause', { principal: 'admin' });
    await call('POST', '/api/monitor/resume', { principal: 'admin' });
    const reader = await stream({ 'last-event-id': seen });
    await eventually(() =>
      expect(controlEvents(reader).map((event) => event.details.action)).toEqual([
        'monitor-pause',
        'monitor-resume',
      ]),
    );
    const byQuery = await stream({}, `?since=${seen}`);
    await eventually(() => expect(controlEvents(byQuery)).toEqual(controlEvents(reader)));
  });

  it('refuses a malformed Last-Event-ID, and a request without a token, in the API error format', async () => {
    const bad = await stream({ 'last-event-id': 'yesterday' });
    expect(bad.status).toBe(400);
    await eventually(() => expect(JSON.parse(bad.text())).toMatchObject({ error: { code: 'BadParameter' } }));
    // An id Redis cannot read (a part of 2^64 or more): refused too, rather than a stream that ends at once.
    const overflow = await stream({ 'last-event-id': '99999999999999999999-0' });
    expect(overflow.status).toBe(400);
    const token = await openEventStream(`${control.url}/api/events/stream`, api.ca, {});
    streams.push(token);
    expect(token.status).toBe(401);
  });

  it('serves at most 16 streams at once, and frees a place when one hangs up', async () => {
    for (const reader of streams.splice(0)) reader.close();
    await eventually(async () => {
      const open: SseReader[] = [];
      try {
        for (let i = 0; i < 16; i++) open.push(await stream({}));
        expect(open.every((reader) => reader.status === 200)).toBe(true);
        const refused = await stream({});
        expect(refused.status).toBe(503);
        await eventually(() =>
          expect(JSON.parse(refused.text()).error.message).toContain('at most 16 event streams'),
        );
      } finally {
        for (const reader of open) reader.close();
      }
    });
    await eventually(async () => expect((await stream({})).status).toBe(200));
  });

  it('reads the event log only while a stream is open', async () => {
    for (const reader of streams.splice(0)) reader.close();
    // The control process's own timers (the fault rules' expiry check, the state refresher, …) stay.
    await eventually(async () => {
      const before = clock.timers;
      await clock.advance(EVENT_POLL_MS);
      expect(clock.timers).toBe(before);
      const reader = await stream({});
      await eventually(() => expect(clock.timers).toBe(before + 1));
      reader.close();
      await eventually(() => expect(clock.timers).toBe(before));
    });
  });

  it('ends every open stream when the control process stops', async () => {
    const reader = await stream({});
    expect(reader.status).toBe(200);
    await control.close();
    await reader.ended;
  });
});
