import { describe, expect, it } from 'vitest';
import { testAccess } from './test-access.ts';
import { startEchoServer, startProxy, startTestApi } from './test-helpers.ts';

async function setUp() {
  const echo = await startEchoServer();
  const proxy = await startProxy(echo.port, { name: 'primary-redis' });
  const api = await startTestApi([proxy]);
  return { proxy, ...api, upstream: `127.0.0.1:${echo.port}` };
}

describe('control API', () => {
  it('shows proxies as toxiproxy does', async () => {
    const { proxy, call, upstream } = await setUp();
    const view = {
      name: 'primary-redis',
      listen: `127.0.0.1:${proxy.listenPort}`,
      upstream,
      enabled: true,
      toxics: [],
    };
    expect(await call('GET', '/proxies')).toEqual({ status: 200, body: { 'primary-redis': view } });
    expect(await call('GET', '/proxies/primary-redis')).toEqual({ status: 200, body: view });
    expect(await call('GET', '/proxies/nope')).toEqual({
      status: 404,
      body: { error: 'proxy not found: nope', status: 404 },
    });
  });

  it('creates, reads, updates and deletes toxics', async () => {
    const { proxy, call } = await setUp();
    const created = await call('POST', '/proxies/primary-redis/toxics', {
      type: 'latency',
      attributes: { latency: 50 },
    });
    const toxic = {
      name: 'latency_downstream',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 50, jitter: 0 },
    };
    expect(created).toEqual({ status: 200, body: toxic });
    expect(await call('GET', '/proxies/primary-redis/toxics')).toEqual({ status: 200, body: [toxic] });
    const updated = await call('POST', '/proxies/primary-redis/toxics/latency_downstream', {
      attributes: { jitter: 10 },
    });
    expect(updated.body.attributes).toEqual({ latency: 50, jitter: 10 });
    expect(proxy.toxic('latency_downstream').attributes).toEqual({ latency: 50, jitter: 10 });
    expect(await call('DELETE', '/proxies/primary-redis/toxics/latency_downstream')).toEqual({
      status: 204,
      body: undefined,
    });
    expect(proxy.toxics()).toEqual([]);
  });

  it('answers errors with toxiproxy codes', async () => {
    const { call } = await setUp();
    const toxics = '/proxies/primary-redis/toxics';
    await call('POST', toxics, { name: 'cut', type: 'blackhole', stream: 'both' });
    expect((await call('POST', toxics, { name: 'cut', type: 'blackhole' })).status).toBe(409);
    expect((await call('POST', toxics, { type: 'nonsense' })).body.status).toBe(400);
    expect((await call('POST', toxics, { type: 'latency', attributes: { latency: -1 } })).status).toBe(400);
    expect((await call('POST', toxics, { type: 'latency', stream: 'sideways' })).status).toBe(400);
    expect((await call('POST', toxics, { type: 'latency', toxicity: 2 })).status).toBe(400);
    expect((await call('POST', toxics, '{not json')).status).toBe(400);
    expect((await call('GET', `${toxics}/missing`)).body).toEqual({
      error: 'toxic not found: missing',
      status: 404,
    });
    expect((await call('DELETE', `${toxics}/missing`)).status).toBe(404);
    expect((await call('GET', '/elsewhere')).status).toBe(404);
    expect((await call('POST', '/proxies/primary-redis', { enabled: 'no' })).status).toBe(400);
  });

  it('disables and enables a proxy; POST /reset removes toxics and enables all', async () => {
    const { proxy, call } = await setUp();
    const disabled = await call('POST', '/proxies/primary-redis', { enabled: false });
    expect(disabled.body.enabled).toBe(false);
    expect(proxy.enabled).toBe(false);
    await call('POST', '/proxies/primary-redis/toxics', { type: 'bandwidth', attributes: { rate: 1 } });
    expect(await call('POST', '/reset')).toEqual({ status: 204, body: undefined });
    expect(proxy.enabled).toBe(true);
    expect(proxy.toxics()).toEqual([]);
  });

  it('refuses every route but /metrics without an administrator, and changes nothing', async () => {
    const { proxy, send, url } = await setUp();
    const cut = await send('POST', '/proxies/primary-redis', { enabled: false });
    expect(cut.status).toBe(401);
    expect(cut.body).toEqual({ error: expect.stringContaining('bearer token'), status: 401 });
    expect(cut.challenge).toBe(testAccess.challenge);
    expect(proxy.enabled).toBe(true);
    const forged = await send('POST', '/proxies/primary-redis', { enabled: false }, 'Bearer forged');
    expect(forged.status).toBe(401);
    const reader = await send('POST', '/proxies/primary-redis', { enabled: false }, 'Bearer reader');
    expect(reader).toMatchObject({
      status: 403,
      body: { error: expect.stringContaining('reader'), status: 403 },
    });
    expect(proxy.enabled).toBe(true);
    for (const [method, path] of [
      ['GET', '/proxies'],
      ['GET', '/proxies/primary-redis/toxics'],
      ['POST', '/proxies/primary-redis/toxics'],
      ['DELETE', '/proxies/primary-redis/toxics/any'],
      ['POST', '/reset'],
      ['GET', '/elsewhere'],
    ] as const) {
      const body = method === 'POST' ? { type: 'blackhole' } : undefined;
      expect((await send(method, path, body)).status, `${method} ${path}`).toBe(401);
    }
    expect(proxy.toxics()).toEqual([]);
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
  });

  it("answers a malformed path 400 and a big body 413, in toxiproxy's format", async () => {
    const { call, proxy } = await setUp();
    expect(await call('GET', '/proxies/%ZZ')).toEqual({
      status: 400,
      body: { error: "malformed path segment '%ZZ'", status: 400 },
    });
    expect((await call('DELETE', '/proxies/primary-redis/toxics/%E0%A4%A')).status).toBe(400);
    const big = { type: 'latency', name: 'x'.repeat(70_000) };
    expect(await call('POST', '/proxies/primary-redis/toxics', big)).toEqual({
      status: 413,
      body: { error: expect.stringContaining('too large'), status: 413 },
    });
    expect(proxy.toxics()).toEqual([]);
  });
});
