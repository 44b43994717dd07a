import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import type { ProxyHeader } from '@vaultover/contract';
import { type Gateway, startGateway } from '@vaultover/control';
import { Registry } from '@vaultover/foundation/metrics';
import { acceptProxyHeaders, proxyHeaderOf } from '@vaultover/region';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, loopbackLookup, rawRequest, secretClient } from '../support/clients.ts';
import { startTestRegion, type TestRegion } from '../support/region.ts';
import { expectRestError } from '../support/rest-error.ts';
import { FakeRouteSource } from './fake-route-source.ts';
import { closedOnChange, connectionCount, throughGateway } from './gateway-support.ts';

// The global endpoint in front of a real region node, driven by the real SecretClient. External Redis:
// database 3 (shared with bad-input), in a vault of its own and under secret names `gw-*`.
const VAULT = 'gw-vault';
const REGION = 'westeurope';

let region: TestRegion;
let gateway: Gateway;
let via: TestRegion;
let source: FakeRouteSource;
const registry = new Registry();

beforeAll(async () => {
  region = await startTestRegion({ externalDb: 3, region: REGION, extraVaults: [{ name: VAULT }] });
  source = FakeRouteSource.forwarding(REGION, region.url);
  gateway = await startGateway({ dataDir: region.dataDir, routeSource: source, registry });
  via = throughGateway(region, gateway.port);
});

afterAll(async () => {
  await gateway?.close();
  await region?.close();
});

describe('the global endpoint forwards to the serving region', () => {
  it('serves set and get of the SDK, with ids that point at the gateway', async () => {
    const client = secretClient(via, 'officer');
    const set = await client.setSecret('gw-db-password', 'hunter2');
    expect(new URL(set.properties.id ?? '').host).toBe(`localhost:${gateway.port}`);
    expect((await client.getSecret('gw-db-password')).value).toBe('hunter2');
    // One keep-alive connection carries both requests: the gateway routes connections, not requests.
    expect(await connectionCount(registry, REGION, 'forwarded')).toBeGreaterThanOrEqual(1);
  });

  it('serves a vault by host name, with a certificate for <vault>.localhost', async () => {
    const client = secretClient(via, 'officer', via.vaultUrl(VAULT));
    const set = await client.setSecret('gw-by-host', 'v1');
    expect(new URL(set.properties.id ?? '').host).toBe(`${VAULT}.localhost:${gateway.port}`);
    expect((await client.getSecret('gw-by-host')).value).toBe('v1');
    // The region holds it in that vault, not in the default one.
    const direct = secretClient(region, 'officer', region.vaultUrl(VAULT));
    expect((await direct.getSecret('gw-by-host')).value).toBe('v1');
  });

  it('pages lists with next links that point at the gateway', async () => {
    const requested: string[] = [];
    const recorder: PipelinePolicy = {
      name: 'record-urls',
      sendRequest: (request, next) => {
        requested.push(request.url);
        return next(request);
      },
    };
    const vaultUrl = via.vaultUrl(VAULT);
    const client = secretClient(via, 'officer', vaultUrl, {
      additionalPolicies: [{ policy: recorder, position: 'perCall' }],
    });
    const names = ['gw-page-a', 'gw-page-b', 'gw-page-c'];
    for (const name of names) await client.setSecret(name, name);
    requested.length = 0;
    const seen: string[] = [];
    for await (const page of client.listPropertiesOfSecrets().byPage({ maxPageSize: 1 })) {
      seen.push(...page.map((p) => p.name));
    }
    expect(seen).toEqual(expect.arrayContaining(names));
    // Every call after the first follows the region's nextLink, which must name the gateway.
    const nextLinks = requested.filter((url) => new URL(url).searchParams.has('$skiptoken'));
    expect(nextLinks.length).toBeGreaterThanOrEqual(names.length - 1);
    for (const link of nextLinks) expect(new URL(link).origin).toBe(vaultUrl);
  });

  it('passes the 401 challenge through, with the region and mode headers the region sets', async () => {
    const challenge = await rawRequest(via, { path: `/secrets/gw-db-password?${API}` });
    expect(challenge.status).toBe(401);
    expect(challenge.headers['www-authenticate']).toMatch(/^Bearer authorization="/);
    expect(challenge.headers['x-ms-keyvault-region']).toBe(REGION);
    expect(challenge.headers['x-vaultover-mode']).toBe('read-write');

    const read = await rawRequest(via, { path: `/secrets/gw-db-password?${API}`, principal: 'officer' });
    expect(read.status).toBe(200);
    expect(read.headers['x-ms-keyvault-region']).toBe(REGION);
    expect(read.headers['x-vaultover-mode']).toBe('read-write');
    expect(read.headers['x-ms-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('streams the largest secret value and a 200 KB request body through', async () => {
    const client = secretClient(via, 'officer');
    const largest = 'x'.repeat(25 * 1024);
    await client.setSecret('gw-largest', largest);
    expect((await client.getSecret('gw-largest')).value).toBe(largest);

    // Unknown properties are ignored by the service: the region must read all 200 KB to parse the JSON.
    const body = JSON.stringify({ value: 'small', padding: 'p'.repeat(200 * 1024) });
    const put = await rawRequest(via, {
      method: 'PUT',
      path: `/secrets/gw-padded?${API}`,
      principal: 'officer',
      body,
      chunked: true,
    });
    expect(put.status).toBe(200);
    expect((put.json as { value: string }).value).toBe('small');
  });

  it('stamps forwarded requests with the epoch the region checks writes against', async () => {
    source.set({ kind: 'forward', region: REGION, url: region.url, mode: 'read-write', epoch: 5 });
    try {
      const client = secretClient(via, 'officer');
      const refused = await expectRestError(client.setSecret('gw-epoch', 'x'), 503, 'ServiceUnavailable');
      expect(refused.message).toMatch(/routed under epoch 5 but region westeurope is at epoch 0/);
      // A client cannot forge the epoch: the one of the connection's PROXY header wins over the header.
      const forged = await rawRequest(via, {
        method: 'PUT',
        path: `/secrets/gw-epoch?${API}`,
        principal: 'officer',
        headers: { 'x-vaultover-epoch': '0' },
        body: { value: 'x' },
      });
      expect(forged.status).toBe(503);
    } finally {
      source.set({ kind: 'forward', region: REGION, url: region.url, mode: 'read-write', epoch: 0 });
    }
  });
});

it('closes connections routed under an older epoch when the route changes', async () => {
  const agent = new https.Agent({ keepAlive: true, ca: region.ca, maxSockets: 1 });
  try {
    const first = await getThrough(agent, gateway.port, `/secrets/gw-db-password?${API}`);
    expect(first.status).toBe(401);
    const closed = new Promise<void>((resolve) => first.socket.once('close', () => resolve()));
    expect(first.socket.destroyed).toBe(false);
    source.set({ kind: 'forward', region: REGION, url: region.url, mode: 'read-write', epoch: 1 });
    await closed;
    // The client reconnects and is routed anew, under the new epoch.
    const second = await getThrough(agent, gateway.port, `/secrets/gw-db-password?${API}`);
    expect(second.status).toBe(401);
    expect(second.socket).not.toBe(first.socket);
    expect(await closedOnChange(registry)).toBeGreaterThanOrEqual(1);
  } finally {
    source.set({ kind: 'forward', region: REGION, url: region.url, mode: 'read-write', epoch: 0 });
    agent.destroy();
  }
});

describe('the gateway against a stand-in region', () => {
  // A region node caps bodies at 1 MB; a stand-in that echoes proves the relay both ways and lets the
  // test count the gateway's connections to it and read the PROXY header it sends.
  let echo: https.Server;
  let echoGateway: Gateway;
  let connections = 0;
  let last:
    | { headers: IncomingHttpHeaders; servername: string | false | null; proxy?: ProxyHeader }
    | undefined;

  beforeAll(async () => {
    echo = https.createServer({ key: await tlsFile('server-key.pem'), cert: await tlsFile('server.pem') });
    acceptProxyHeaders(echo, 10_000);
    echo.on('secureConnection', () => connections++);
    echo.on('request', (req, res) => {
      const socket = req.socket as TLSSocket;
      last = { headers: req.headers, servername: socket.servername, proxy: proxyHeaderOf(socket) };
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      req.pipe(res);
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const port = (echo.address() as { port: number }).port;
    const echoSource = new FakeRouteSource({
      kind: 'forward',
      region: 'echo',
      url: `https://localhost:${port}`,
      mode: 'read-write',
      epoch: 4,
    });
    echoGateway = await startGateway({ dataDir: region.dataDir, routeSource: echoSource });
  });

  afterAll(async () => {
    await echoGateway?.close();
    await new Promise<void>((resolve) => (echo ? echo.close(() => resolve()) : resolve()));
  });

  it("relays the client's TLS (SNI, Host, headers unchanged) after a PROXY header with the epoch", async () => {
    let clientPort = 0;
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = https.request(
        {
          host: `${VAULT}.localhost`,
          port: echoGateway.port,
          path: '/headers',
          ca: region.ca,
          lookup: loopbackLookup,
          agent: false,
          headers: { connection: 'keep-alive, x-hop', 'x-hop': '1', 'x-vaultover-epoch': '99' },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res));
        },
      );
      req.on('socket', (socket) => socket.on('connect', () => (clientPort = socket.localPort ?? 0)));
      req.on('error', reject);
      req.end();
    });
    expect(response.statusCode).toBe(200);
    expect(last?.servername).toBe(`${VAULT}.localhost`);
    expect(last?.headers.host).toBe(`${VAULT}.localhost:${echoGateway.port}`);
    // Bytes, not requests: what the client sent arrives as sent; the epoch travels in the PROXY header.
    expect(last?.headers['x-hop']).toBe('1');
    expect(last?.headers['x-vaultover-epoch']).toBe('99');
    expect(last?.proxy?.epoch).toBe(4);
    expect(last?.proxy?.source).toEqual({ address: '127.0.0.1', port: clientPort });
    expect(last?.proxy?.destination).toEqual({ address: '127.0.0.1', port: echoGateway.port });
  });

  it('returns an 8 MB upload unchanged', async () => {
    const chunk = Buffer.alloc(64 * 1024, 7);
    const chunks = 128;
    const sent = createHash('sha256');
    for (let i = 0; i < chunks; i++) sent.update(chunk);
    const received = await new Promise<{ hash: string; bytes: number }>((resolve, reject) => {
      const req = https.request(
        { method: 'POST', host: 'localhost', port: echoGateway.port, path: '/echo', ca: region.ca },
        (res) => {
          const hash = createHash('sha256');
          let bytes = 0;
          res.on('data', (data: Buffer) => {
            hash.update(data);
            bytes += data.length;
          });
          res.on('end', () => resolve({ hash: hash.digest('hex'), bytes }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      // Written with backpressure, as a well-behaved client would.
      let i = 0;
      const write = () => {
        while (i < chunks) {
          i++;
          if (!req.write(chunk)) return void req.once('drain', write);
        }
        req.end();
      };
      write();
    });
    expect(received).toEqual({ hash: sent.digest('hex'), bytes: chunk.length * chunks });
  });

  it("uses one connection to the region per client connection, for all of the client's requests", async () => {
    const agent = new https.Agent({ keepAlive: true, ca: region.ca, maxSockets: 1 });
    try {
      const before = connections;
      for (let i = 0; i < 50; i++) expect(await statusOf(agent, echoGateway.port, '/ping')).toBe(200);
      expect(connections - before).toBe(1);
    } finally {
      agent.destroy();
    }
  });
});

function getThrough(
  agent: https.Agent,
  port: number,
  path: string,
): Promise<{ status: number; socket: Socket }> {
  return new Promise((resolve, reject) => {
    let socket: Socket | undefined;
    const req = https.request({ host: 'localhost', port, path, agent }, (res) => {
      res.resume();
      // Kept from the 'socket' event: a keep-alive agent takes the socket back from the response at its end.
      res.on('end', () =>
        socket ? resolve({ status: res.statusCode ?? 0, socket }) : reject(new Error('no socket')),
      );
    });
    req.on('socket', (s) => (socket = s));
    req.on('error', reject);
    req.end();
  });
}

function statusOf(agent: https.Agent, port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = https.request({ host: 'localhost', port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

function tlsFile(name: string): Promise<string> {
  return readFile(join(region.dataDir, 'tls', name), 'utf8');
}
