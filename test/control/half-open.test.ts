import { type Socket, connect as tcpConnect } from 'node:net';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import { type Gateway, startGateway } from '@vaultover/control';
import { Registry } from '@vaultover/foundation/metrics';
import { pollUntil } from '@vaultover/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { API, rawRequest } from '../support/clients.ts';
import { startTestRegion, type TestRegion } from '../support/region.ts';
import { FakeRouteSource } from './fake-route-source.ts';
import { connectionCount, throughGateway } from './gateway-support.ts';

// Issue 13, defect 7: silent, half-sent and slow connections are closed within the listeners' limits
// (shortened here), the global endpoint opens no region connection for a client that has not sent its
// ClientHello, and connections past a listener's cap get a clear refusal. No sleeps: each test waits for
// the socket to close, with a deadline well above the limit and well below the 10 s default.

const REGION = 'westeurope';
const LIMITS = { handshakeTimeoutMs: 300, headersTimeoutMs: 300, requestTimeoutMs: 1000, maxConnections: 3 };
/** How long a test waits for a connection to be closed: ample for 300 ms limits, far below 10 s. */
const CLOSED_WITHIN_MS = 4000;

let region: TestRegion;
let gateway: Gateway;
const registry = new Registry();
const opened: Socket[] = [];

beforeAll(async () => {
  region = await startTestRegion({ externalDb: 3, region: REGION, node: { limits: LIMITS } });
  const source = FakeRouteSource.forwarding(REGION, region.url);
  gateway = await startGateway({ dataDir: region.dataDir, routeSource: source, registry, limits: LIMITS });
});

afterEach(() => {
  for (const socket of opened.splice(0)) socket.destroy();
});

afterAll(async () => {
  await gateway?.close();
  await region?.close();
});

/** A TCP connection that records when it closes; destroyed after the test. */
async function rawConnection(port: number): Promise<{ socket: Socket; closed: () => boolean }> {
  const socket = tcpConnect({ host: '127.0.0.1', port });
  opened.push(socket);
  let closed = false;
  socket.on('error', () => {}); // a reset is a close here
  socket.on('close', () => {
    closed = true;
  });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return { socket, closed: () => closed };
}

/** A TLS connection to `port`, handshake done, trusting the deployment's CA. */
async function tlsConnection(
  port: number,
): Promise<{ socket: TLSSocket; closed: () => boolean; text: () => string }> {
  const socket = tlsConnect({ host: '127.0.0.1', port, servername: 'localhost', ca: region.ca });
  opened.push(socket);
  let closed = false;
  let text = '';
  socket.on('error', () => {});
  socket.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  socket.on('close', () => {
    closed = true;
  });
  await new Promise<void>((resolve) => socket.once('secureConnect', () => resolve()));
  return { socket, closed: () => closed, text: () => text };
}

/** The first 15 bytes of a TLS ClientHello record announcing 512 bytes: a handshake begun, never finished. */
const PARTIAL_CLIENT_HELLO = Buffer.from([
  0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, 1, 2, 3, 4,
]);

describe('half-open connections to the global endpoint', () => {
  it('closes a silent connection without connecting a region', async () => {
    const before = await connectionCount(registry, REGION, 'handshake-timeout');
    const { closed } = await rawConnection(gateway.port);
    await pollUntil('the gateway closes the silent connection', closed, { timeoutMs: CLOSED_WITHIN_MS });
    expect(await connectionCount(registry, REGION, 'handshake-timeout')).toBe(before + 1);
    expect(await connectionCount(registry, REGION, 'forwarded')).toBe(0);
  });

  it('closes a connection that stops inside its ClientHello without connecting a region', async () => {
    const before = await connectionCount(registry, REGION, 'handshake-timeout');
    const { socket, closed } = await rawConnection(gateway.port);
    socket.write(PARTIAL_CLIENT_HELLO);
    await pollUntil('the gateway closes the half-sent handshake', closed, { timeoutMs: CLOSED_WITHIN_MS });
    expect(await connectionCount(registry, REGION, 'handshake-timeout')).toBe(before + 1);
    expect(await connectionCount(registry, REGION, 'forwarded')).toBe(0);
  });

  it('still relays a client that speaks at once', async () => {
    const reply = await rawRequest(throughGateway(region, gateway.port), {
      path: `/secrets/half-open-missing/?${API}`,
      principal: 'admin',
    });
    expect(reply.status).toBe(404);
    expect(await connectionCount(registry, REGION, 'forwarded')).toBe(1);
  });
});

describe('half-open connections to a region', () => {
  it('closes a silent connection', async () => {
    const { closed } = await rawConnection(region.port);
    await pollUntil('the region closes the silent connection', closed, { timeoutMs: CLOSED_WITHIN_MS });
  });

  it('closes a connection that stops inside its TLS handshake', async () => {
    const { socket, closed } = await rawConnection(region.port);
    socket.write(PARTIAL_CLIENT_HELLO);
    await pollUntil('the region closes the half-sent handshake', closed, { timeoutMs: CLOSED_WITHIN_MS });
  });

  it('answers 408 in the service format to headers that stop coming, then closes', async () => {
    const connection = await tlsConnection(region.port);
    connection.socket.write(`GET /secrets/x/?${API} HTTP/1.1\r\nHost: localhost\r\nx-slow: `);
    await pollUntil('the region closes the slow request', connection.closed, { timeoutMs: CLOSED_WITHIN_MS });
    const [head = '', body = ''] = connection.text().split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 408 /);
    expect(head.toLowerCase()).toContain('connection: close');
    expect(JSON.parse(body)).toEqual({ error: { code: 'RequestTimeout', message: expect.any(String) } });
  });
});

describe('connections past a listener cap', () => {
  for (const target of ['region', 'global endpoint'] as const) {
    it(`get a 503 in the service format with Retry-After (${target})`, async () => {
      const port = target === 'region' ? region.port : gateway.port;
      // Held open up to the cap (the region's handshakes are done through the gateway's too).
      for (let i = 0; i < LIMITS.maxConnections; i++) await tlsConnection(port);
      const refused = await rawRequest(target === 'region' ? region : throughGateway(region, port), {
        path: `/secrets/half-open-missing/?${API}`,
        principal: 'admin',
      });
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('1');
      expect(refused.json).toEqual({
        error: { code: 'ServiceUnavailable', message: expect.stringContaining('limit') },
      });
    });
  }
});
