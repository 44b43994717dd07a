import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PRINCIPALS } from '@vaultover/auth';
import { startRegionNode } from '@vaultover/region';
import { startTestRedis } from '@vaultover/testkit';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, type RawResponse, rawRequest } from '../support/clients.ts';
import { startTestRegion, type TestRegion } from '../support/region.ts';

// Wire details the SDK hides: challenge, headers, path and query tolerance, ids built from Host,
// errors, and the infrastructure endpoints. Raw HTTPS with node:https, trusting the region's CA.

let region: TestRegion;

beforeAll(async () => {
  region = await startTestRegion({ externalDb: 2 });
  for (const [name, value] of [
    ['wire-a', 'first'],
    ['wire-a', 'second'],
    ['wire-b', 'b'],
    ['wire-c', 'c'],
  ] as const) {
    const put = await rawRequest(region, {
      method: 'PUT',
      path: `/secrets/${name}?${API}`,
      principal: 'admin',
      body: { value },
    });
    expect(put.status).toBe(200);
  }
});

afterAll(async () => {
  await region?.close();
});

const get = (path: string, hostname?: string) => rawRequest(region, { path, hostname, principal: 'admin' });

function errorOf(response: RawResponse): { code: string; message: string } {
  return (response.json as { error: { code: string; message: string } }).error;
}

describe('authentication challenge', () => {
  it('answers an unauthenticated request with 401, the Key Vault challenge and an Unauthorized body', async () => {
    const response = await rawRequest(region, { path: `/secrets/wire-a/?${API}` });
    expect(response.status).toBe(401);
    const challenge = String(response.headers['www-authenticate']);
    expect(challenge).toMatch(/^Bearer /);
    expect(challenge).toContain('authorization="https://login.windows.net/');
    expect(challenge).toContain('resource="https://vault.azure.net"');
    expect(errorOf(response).code).toBe('Unauthorized');
    expect(response.text).not.toContain('first');
  });

  it('refuses a bearer token that is not one of ours', async () => {
    const response = await rawRequest(region, {
      path: `/secrets/wire-a/?${API}`,
      headers: { authorization: 'Bearer not.a.token' },
    });
    expect(response.status).toBe(401);
    expect(errorOf(response).code).toBe('Unauthorized');
    expect(response.headers['www-authenticate']).toContain('resource="https://vault.azure.net"');
  });
});

describe('response headers', () => {
  it('sends request id, region and service version on success, client errors and 401s', async () => {
    const responses = [
      await get(`/secrets/wire-a/?${API}`),
      await get(`/secrets/missing/?${API}`),
      await rawRequest(region, { path: `/secrets?${API}` }),
      await get(`/nowhere?${API}`),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 404, 401, 404]);
    for (const response of responses) {
      expect(response.headers['x-ms-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(response.headers['x-ms-keyvault-region']).toBe(region.region);
      expect(response.headers['x-ms-keyvault-service-version']).toMatch(/\S/);
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    }
    const ids = new Set(responses.map((r) => r.headers['x-ms-request-id']));
    expect(ids.size).toBe(responses.length);
  });
});

describe('paths and query', () => {
  it('accepts the percent-encoded query name api%2Dversion the SDK sends', async () => {
    const response = await get('/secrets/wire-b/?api%2Dversion=2026-04-01');
    expect(response.status).toBe(200);
    expect((response.json as { value: string }).value).toBe('b');
  });

  it('treats a trailing slash as the latest version', async () => {
    const versions = await get(`/secrets/wire-a/versions?${API}`);
    expect(versions.status).toBe(200);
    expect((versions.json as { value: unknown[] }).value).toHaveLength(2);
    const latest = await get(`/secrets/wire-a/?${API}`);
    const plain = await get(`/secrets/wire-a?${API}`);
    expect(latest.status).toBe(200);
    expect((latest.json as { value: string }).value).toBe('second');
    expect((latest.json as { id: string }).id).toBe((plain.json as { id: string }).id);
  });

  it('tolerates repeated slashes', async () => {
    const latest = (await get(`/secrets/wire-a/?${API}`)).json as { id: string; value: string };
    const version = latest.id.split('/').at(-1) ?? '';
    const doubled = await get(`//secrets//wire-a//${version}?${API}`);
    expect(doubled.status).toBe(200);
    expect(doubled.json).toMatchObject({ id: latest.id, value: 'second' });
    const list = await get(`//secrets//?${API}&maxresults=25`);
    expect(list.status).toBe(200);
  });

  it('refuses an unknown api-version with 400 BadParameter and the real wording', async () => {
    const response = await get('/secrets/wire-a/?api-version=1999-01-01');
    expect(response.status).toBe(400);
    expect(errorOf(response)).toEqual({
      code: 'BadParameter',
      message:
        'The specified version (1999-01-01) is not recognized. Consider using the latest supported version (2026-04-01).',
    });
  });

  it('answers PUT /secrets/ (an empty name) with the challenge first, then 405 MethodNotAllowed', async () => {
    // The real service's recorded answers to the SDK's setSecret(''): 401 for the tokenless first try, then 405.
    const tokenless = await rawRequest(region, {
      method: 'PUT',
      path: `/secrets/?${API}`,
      body: { value: 'x' },
    });
    expect(tokenless.status).toBe(401);
    expect(tokenless.headers['www-authenticate']).toContain('resource="https://vault.azure.net"');
    expect(errorOf(tokenless).code).toBe('Unauthorized');
    const response = await rawRequest(region, {
      method: 'PUT',
      path: `/secrets/?${API}`,
      principal: 'admin',
      body: { value: 'x' },
    });
    expect(response.status).toBe(405);
    expect(errorOf(response)).toEqual({ code: 'MethodNotAllowed', message: 'HTTP PUT not allowed' });
  });
  it.each(['secrets', 'keys', 'certificates'])(
    'answers the versions of a %s that does not exist with an empty page, as the real service does',
    async (collection) => {
      const response = await get(`/${collection}/never-there/versions?${API}`);
      expect(response.status).toBe(200);
      expect(response.json).toEqual({ value: [], nextLink: null });
    },
  );
});

// Found by the data-plane fuzzer (test/fuzz/data-plane.test.ts): Node answered these itself, the first
// with an empty body, the second with a body its HEAD client could not read (a connection error).
describe('what the HTTP server refuses before any route', () => {
  it('answers an Expect other than 100-continue with 417 ExpectationFailed in the Key Vault format', async () => {
    const response = await rawRequest(region, {
      path: `/secrets/wire-a/?${API}`,
      principal: 'admin',
      headers: { expect: 'the-unexpected' },
    });
    expect(response.status).toBe(417);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(errorOf(response).code).toBe('ExpectationFailed');
    expect(response.headers['x-ms-keyvault-region']).toBe(region.region);
    // The connection stays usable: the next request on it is served.
    expect((await get(`/secrets/wire-a/?${API}`)).status).toBe(200);
  });

  it('answers a HEAD its parser refuses with the status alone, which the client can read', async () => {
    const response = await rawRequest(region, { method: 'HEAD', path: `/secrets/wire-\u00ff?${API}` });
    expect({ status: response.status, text: response.text }).toEqual({ status: 400, text: '' });
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
  });
});

describe('ids and next links follow the Host of the request', () => {
  it.each(['127.0.0.1', 'localhost'])('builds every id and nextLink from %s', async (hostname) => {
    const origin = `https://${hostname}:${region.port}`;
    const secret = await get(`/secrets/wire-b/?${API}`, hostname);
    expect((secret.json as { id: string }).id).toMatch(new RegExp(`^${origin}/secrets/wire-b/[0-9a-f]{32}$`));

    // Walk the whole list one item per page, by the nextLinks alone.
    const seen: string[] = [];
    let link: string | null = `${origin}/secrets?${API}&maxresults=1`;
    while (link) {
      const url: URL = new URL(link);
      expect(url.origin).toBe(origin);
      const page = await get(url.pathname + url.search, hostname);
      expect(page.status).toBe(200);
      const body = page.json as { value: { id: string }[]; nextLink: string | null };
      expect(body.value.length).toBeLessThanOrEqual(1);
      for (const item of body.value) {
        expect(item.id.startsWith(`${origin}/secrets/`)).toBe(true);
        seen.push(item.id.slice(`${origin}/secrets/`.length));
      }
      if (body.nextLink) {
        expect(body.nextLink).toContain('api-version=2026-04-01');
        expect(body.nextLink).toContain('$skiptoken=');
        expect(body.nextLink).toContain('maxresults=1');
      }
      link = body.nextLink;
    }
    expect(seen).toEqual(['wire-a', 'wire-b', 'wire-c']);
  });

  // Ids and nextLinks are built from the Host header: anything beyond host and port would come back
  // inside them, e.g. `https://localhost:PORT@evil.example/secrets/...`.
  it('refuses a malformed Host header instead of reflecting it into ids', async () => {
    const response = await rawRequest(region, {
      path: `/secrets/wire-b/?${API}`,
      principal: 'admin',
      headers: { host: `localhost:${region.port}@evil.example` },
      servername: 'localhost',
    });
    expect(response.status).toBe(400);
    expect(errorOf(response).code).toBe('BadParameter');
    expect(response.text).not.toContain('evil.example');
  });

  it('builds recoveryId from the Host too', async () => {
    await rawRequest(region, {
      method: 'PUT',
      path: `/secrets/wire-gone?${API}`,
      principal: 'admin',
      body: { value: 'x' },
    });
    const deleted = await rawRequest(region, {
      method: 'DELETE',
      path: `/secrets/wire-gone?${API}`,
      principal: 'admin',
      hostname: '127.0.0.1',
    });
    expect(deleted.status).toBe(200);
    expect(deleted.json).toMatchObject({
      recoveryId: `https://127.0.0.1:${region.port}/deletedsecrets/wire-gone`,
    });
    const fetched = await get(`/deletedsecrets/wire-gone?${API}`, 'localhost');
    expect(fetched.json).toMatchObject({
      recoveryId: `https://localhost:${region.port}/deletedsecrets/wire-gone`,
    });
  });
});

describe('infrastructure endpoints', () => {
  it('reports health as JSON', async () => {
    const response = await rawRequest(region, { path: '/health' });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({
      status: 'ok',
      region: region.region,
      role: 'primary',
      redis: { reachable: true },
    });
  });

  it('exposes request counts by operation, and never a secret name or value', async () => {
    const name = 'metrics-canary-name';
    const value = 'metrics-canary-value-4f1d';
    await rawRequest(region, {
      method: 'PUT',
      path: `/secrets/${name}?${API}`,
      principal: 'admin',
      body: { value },
    });
    await get(`/secrets/${name}/?${API}`);
    await get(`/secrets/${name}-absent/?${API}`);
    const response = await rawRequest(region, { path: '/metrics' });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.text).toContain('vaultover_requests_total{');
    expect(response.text).toMatch(
      /vaultover_requests_total\{[^}]*operation="SecretGet"[^}]*status="200"[^}]*\} \d+/,
    );
    expect(response.text).toMatch(
      /vaultover_requests_total\{[^}]*operation="SecretGet"[^}]*status="404"[^}]*\} \d+/,
    );
    expect(response.text).toMatch(/vaultover_requests_total\{[^}]*operation="SecretSet"[^}]*\} \d+/);
    expect(response.text).not.toContain('metrics-canary');
    expect(response.text).not.toContain('4f1d');
  });

  it('lets only an administrator read or move the clock', async () => {
    expect((await rawRequest(region, { path: '/admin/time' })).status).toBe(401);
    const reader = await rawRequest(region, { path: '/admin/time', principal: 'reader' });
    expect(reader.status).toBe(403);
    expect(errorOf(reader).code).toBe('Forbidden');
    const shiftByReader = await rawRequest(region, {
      method: 'POST',
      path: '/admin/time/shift',
      principal: 'officer',
      body: { seconds: 60 },
    });
    expect(shiftByReader.status).toBe(403);
    const time = await rawRequest(region, { path: '/admin/time', principal: 'admin' });
    expect(time.status).toBe(200);
    expect(time.json).toMatchObject({ offsetSeconds: 0, timeScale: 1 });
  });

  it('refuses a clock shift that is not forward', async () => {
    for (const body of [{ seconds: -5 }, { days: 0 }, { seconds: 'soon' }, {}]) {
      const response = await rawRequest(region, {
        method: 'POST',
        path: '/admin/time/shift',
        principal: 'admin',
        body,
      });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(errorOf(response).code).toBe('BadParameter');
    }
    const time = await rawRequest(region, { path: '/admin/time', principal: 'admin' });
    expect(time.json).toMatchObject({ offsetSeconds: 0 });
  });
});

describe('clock limits', () => {
  // Time never runs backwards, so a shift past the representable dates would break the clock for good.
  it('refuses a clock shift beyond the representable date range, leaving the clock alone', async () => {
    const own = await startTestRegion({ externalDb: 10, region: 'clocklimits' });
    try {
      const shift = await rawRequest(own, {
        method: 'POST',
        path: '/admin/time/shift',
        principal: 'admin',
        body: { seconds: 1e13 },
      });
      expect(shift.status).toBe(400);
      const time = await rawRequest(own, { path: '/admin/time', principal: 'admin' });
      expect(time.status).toBe(200);
      expect(time.json).toMatchObject({ offsetSeconds: 0 });
    } finally {
      await own.close();
    }
  });
});

describe('vault hosts', () => {
  it('answers 404 VaultNotFound for a vault the region does not have', async () => {
    // The certificate does not name this host, so connect as localhost and send the Host header only.
    const response = await rawRequest(region, {
      path: `/secrets/wire-a/?${API}`,
      principal: 'admin',
      headers: { host: `nosuchvault.localhost:${region.port}` },
      servername: 'localhost',
    });
    expect(response.status).toBe(404);
    expect(errorOf(response).code).toBe('VaultNotFound');
  });

  // Naming `<vault>.localhost` in `hostnames` must not turn it into an alias of the default vault.
  it('a vault host listed in `hostnames` (for the certificate) still addresses that vault, not the default one', async () => {
    const redis = await startTestRedis('hostnames-bug', { externalDb: 7 });
    const dataDir = await mkdtemp(join(tmpdir(), 'vaultover-test-hostnames-'));
    const node = await startRegionNode({
      region: 'hostnames',
      role: 'primary',
      dataDir,
      redisUrl: redis.url,
      vaults: [{ name: 'vaultover' }, { name: 'other' }],
      defaultVault: 'vaultover',
      principals: DEFAULT_PRINCIPALS,
      logger: pino({ level: 'silent' }),
      hostnames: ['other.localhost'],
    });
    try {
      const target = { ...region, port: node.port, ca: await readFile(node.caFile, 'utf8'), dataDir };
      const put = await rawRequest(target, {
        method: 'PUT',
        path: `/secrets/only-in-default?${API}`,
        principal: 'admin',
        body: { value: 'default vault data' },
      });
      expect(put.status).toBe(200);
      const fromOther = await rawRequest(target, {
        path: `/secrets/only-in-default/?${API}`,
        principal: 'admin',
        hostname: 'other.localhost',
      });
      expect(fromOther.status).toBe(404);
      expect(fromOther.text).not.toContain('default vault data');
    } finally {
      await node.close();
      await redis.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
