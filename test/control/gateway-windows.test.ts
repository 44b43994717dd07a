import https from 'node:https';
import { createServer as createNetServer, type Socket } from 'node:net';
import { type Gateway, type RouteDecision, startGateway } from '@vaultover/control';
import { systemClock } from '@vaultover/foundation';
import { Registry } from '@vaultover/foundation/metrics';
import { closedPort, pollUntil } from '@vaultover/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { API, rawRequest, secretClient } from '../support/clients.ts';
import { startTestRegion, type TestRegion } from '../support/region.ts';
import { expectRestError } from '../support/rest-error.ts';
import { FakeRouteSource } from './fake-route-source.ts';
import { connectionCount, heldCount, throughGateway } from './gateway-support.ts';

// What the global endpoint does in failover windows, when no region serves and when the region does not
// answer. External Redis: database 3 (shared with bad-input), secret names `gww-*` in the default vault.
const REGION = 'westeurope';
const NOW = 1_000_000;

let region: TestRegion;
let gateway: Gateway;
let via: TestRegion;
let source: FakeRouteSource;
let registry: Registry;
let serve: Extract<RouteDecision, { kind: 'forward' }>;

beforeAll(async () => {
  region = await startTestRegion({ externalDb: 3, region: REGION });
  serve = { kind: 'forward', region: REGION, url: region.url, mode: 'read-write', epoch: 0 };
  source = new FakeRouteSource(serve);
  registry = new Registry();
  gateway = await startGateway({ dataDir: region.dataDir, routeSource: source, registry });
  via = throughGateway(region, gateway.port);
  await secretClient(region, 'officer').setSecret('gww-held', 'released');
});

afterAll(async () => {
  await gateway?.close();
  await region?.close();
});

beforeEach(() => {
  source.clock = { ...systemClock, now: () => NOW };
  source.set(serve);
});

const failingOver = (
  how: 'status' | 'reset' | 'hang',
  untilMs: number,
): Extract<RouteDecision, { kind: 'fail' }> => ({
  kind: 'fail',
  how,
  reason: 'failing over from westeurope to northeurope',
  state: 'failing-over',
  until: NOW + untilMs,
  epoch: 1,
});

describe("the 'status' failure mode", () => {
  it('answers 503 ServiceUnavailable with Retry-After the seconds left, rounded up', async () => {
    source.set(failingOver('status', 6500));
    const response = await rawRequest(via, { path: `/secrets/gww-held?${API}`, principal: 'officer' });
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('7');
    expect(response.headers['x-vaultover-mode']).toBe('failing-over');
    expect(response.json).toEqual({
      error: {
        code: 'ServiceUnavailable',
        message: 'Failing over from westeurope to northeurope; retry after 7 seconds.',
      },
    });
    expect(await connectionCount(registry, 'none', 'failed-window')).toBeGreaterThanOrEqual(1);
  });

  it('never asks for less than a second, and the SDK sees a 503 RestError', async () => {
    source.set(failingOver('status', -2000));
    const response = await rawRequest(via, { path: `/secrets/gww-held?${API}` });
    expect(response.headers['retry-after']).toBe('1');
    await expectRestError(secretClient(via, 'officer').getSecret('gww-held'), 503, 'ServiceUnavailable');
  });
});

describe("the 'reset' failure mode", () => {
  it('resets the client connection (ECONNRESET)', async () => {
    source.set(failingOver('reset', 5000));
    const failure = await rawRequest(via, { path: `/secrets/gww-held?${API}` }).catch((error) => error);
    expect((failure as NodeJS.ErrnoException).code).toBe('ECONNRESET');
    expect(await connectionCount(registry, 'none', 'reset')).toBe(1);
  });
});

describe("the 'hang' failure mode", () => {
  it('holds a request until the source changes, then forwards it to the region', async () => {
    source.set(failingOver('hang', 60_000));
    let settled = false;
    const read = secretClient(via, 'officer')
      .getSecret('gww-held')
      .finally(() => {
        settled = true;
      });
    // The SDK's first request is the unauthenticated challenge: wait for the held one after it.
    await pollUntil('a request is held', async () => (await heldCount(registry)) === 1);
    expect(settled).toBe(false);
    source.set(serve);
    expect((await read).value).toBe('released');
    expect(await heldCount(registry)).toBe(0);
    expect(await connectionCount(registry, REGION, 'hang')).toBeGreaterThanOrEqual(1);
  });

  it('holds a write with its body and delivers the body when released', async () => {
    source.set(failingOver('hang', 60_000));
    const write = rawRequest(via, {
      method: 'PUT',
      path: `/secrets/gww-held-write?${API}`,
      principal: 'officer',
      body: { value: 'w'.repeat(20_000) },
      chunked: true,
    });
    await pollUntil('the write is held', async () => (await heldCount(registry)) === 1);
    source.set(serve);
    const response = await write;
    expect(response.status).toBe(200);
    expect((response.json as { value: string }).value).toHaveLength(20_000);
  });

  it('answers 503 once the window has passed by the source clock, if the source still says hang', async () => {
    source.clock = systemClock;
    source.set({ ...failingOver('hang', 0), until: Date.now() + 100 });
    const response = await rawRequest(via, { path: `/secrets/gww-held?${API}` });
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
  });

  it('lets go of a request whose client gives up', async () => {
    source.set(failingOver('hang', 60_000));
    const before = await connectionCount(registry, 'none', 'hang');
    const request = https.request({
      host: 'localhost',
      port: gateway.port,
      path: `/secrets/gww-held?${API}`,
      ca: region.ca,
      agent: false,
    });
    const closed = new Promise<void>((resolve) => request.on('close', resolve));
    request.on('error', () => {}); // the abort below
    request.end();
    await pollUntil('the request is held', async () => (await heldCount(registry)) === 1);
    request.destroy();
    await closed;
    await pollUntil('the gateway lets go', async () => (await heldCount(registry)) === 0);
    expect(await connectionCount(registry, 'none', 'hang')).toBe(before + 1);
  });
});

describe('no serving region', () => {
  it('answers 503 with the reason and no Retry-After when no region can serve', async () => {
    source.set({
      kind: 'unavailable',
      reason: 'the primary westeurope is down and failover is paused',
      epoch: 3,
    });
    const response = await rawRequest(via, { path: `/secrets/gww-held?${API}` });
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBeUndefined();
    expect(response.headers['x-vaultover-mode']).toBe('unavailable');
    expect(response.json).toEqual({
      error: {
        code: 'ServiceUnavailable',
        message:
          'No region can serve the vault: the primary westeurope is down and failover is paused. Retry later.',
      },
    });
  });

  it('answers 503 naming the region when the region refuses connections', async () => {
    const port = await closedPort();
    source.set({ ...serve, region: 'northeurope', url: `https://localhost:${port}` });
    const response = await rawRequest(via, { path: `/secrets/gww-held?${API}` });
    expect(response.status).toBe(503);
    expect(response.headers['x-ms-keyvault-region']).toBe('northeurope');
    const error = (response.json as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('ServiceUnavailable');
    expect(error.message).toMatch(/^The region northeurope .*did not answer.*\(ECONNREFUSED\); retry later/);
    expect(await connectionCount(registry, 'northeurope', 'upstream-error')).toBe(1);
  });
});

describe('a region that accepts connections but never answers', () => {
  let silent: ReturnType<typeof createNetServer>;
  let silentUrl: string;
  const sockets = new Set<Socket>();
  let quickGateway: Gateway;
  let patientGateway: Gateway;

  beforeAll(async () => {
    silent = createNetServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
      socket.resume(); // reads (and ignores) the handshake, so that it sees the gateway's close
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentUrl = `https://localhost:${(silent.address() as { port: number }).port}`;
    const silentSource = new FakeRouteSource({ ...serve, region: 'silent', url: silentUrl });
    quickGateway = await startGateway({
      dataDir: region.dataDir,
      routeSource: silentSource,
      upstreamTimeoutMs: 300,
    });
    // With the default 30 s timeout, a closed connection can only be the client's abort passed on.
    patientGateway = await startGateway({ dataDir: region.dataDir, routeSource: silentSource });
  });

  afterAll(async () => {
    await quickGateway?.close();
    await patientGateway?.close();
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => (silent ? silent.close(() => resolve()) : resolve()));
  });

  it('answers 503 after upstreamTimeoutMs of silence', async () => {
    const response = await rawRequest(throughGateway(region, quickGateway.port), {
      path: `/secrets/gww-held?${API}`,
    });
    expect(response.status).toBe(503);
    expect((response.json as { error: { message: string } }).error.message).toMatch(
      /The region silent .*\(ETIMEDOUT\)/,
    );
  });

  it("closes the region's side when the client aborts", async () => {
    const request = https.request({
      host: 'localhost',
      port: patientGateway.port,
      path: `/secrets/gww-held?${API}`,
      ca: region.ca,
      agent: false,
    });
    request.on('error', () => {});
    request.end();
    await pollUntil('the gateway connects to the region', () => sockets.size === 1);
    request.destroy();
    await pollUntil("the region's connection is closed", () => sockets.size === 0);
  });
});
