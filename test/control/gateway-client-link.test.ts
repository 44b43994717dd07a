import https from 'node:https';
import { connect } from 'node:net';
import { type Gateway, startGateway } from '@vaultover/control';
import { pollUntil } from '@vaultover/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { API, credentialFor, loopbackLookup, secretClient } from '../support/clients.ts';
import { startTestRegion, type TestRegion } from '../support/region.ts';
import { FakeRouteSource } from './fake-route-source.ts';
import { connectionCount, throughGateway } from './gateway-support.ts';

// The global endpoint's client link (docs/chaos.md, Client-link faults): the replication link's toxics on
// the connections between clients and the endpoint, relayed or answered by the gateway itself, open ones
// included. External Redis: database 3, vault `gcl-vault`, secret names `gcl-*`. Timings are lower bounds.
const VAULT = 'gcl-vault';
const REGION = 'westeurope';
/** Short, so that a region that does not answer would be answered for well before the clients give up. */
const UPSTREAM_TIMEOUT_MS = 400;

let region: TestRegion;
let gateway: Gateway;
let via: TestRegion;
let source: FakeRouteSource;
let token: string;

const forward = () =>
  ({ kind: 'forward', region: REGION, url: region.url, mode: 'read-write', epoch: 0 }) as const;

beforeAll(async () => {
  region = await startTestRegion({ externalDb: 3, region: REGION, extraVaults: [{ name: VAULT }] });
  source = new FakeRouteSource(forward());
  gateway = await startGateway({
    dataDir: region.dataDir,
    routeSource: source,
    upstreamTimeoutMs: UPSTREAM_TIMEOUT_MS,
  });
  via = throughGateway(region, gateway.port);
  token = (await credentialFor(region, 'officer').getToken('https://vault.azure.net/.default')).token;
  await secretClient(via, 'officer', via.vaultUrl(VAULT)).setSecret('gcl-read', 'value');
});

afterEach(async () => {
  gateway.link.removeAllToxics();
  await gateway.link.setEnabled(true);
  source.set(forward());
});

afterAll(async () => {
  await gateway?.close();
  await region?.close();
});

interface Answer {
  status: number;
  mode: string | undefined;
  body: string;
  reusedSocket: boolean;
  elapsedMs: number;
}

/** GET a secret through the gateway, on `agent` (keep-alive) or a connection of its own. */
function get(name: string, options: { agent?: https.Agent; timeoutMs?: number } = {}): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        hostname: `${VAULT}.localhost`,
        port: gateway.port,
        path: `/secrets/${name}?${API}`,
        headers: { authorization: `Bearer ${token}` },
        ca: region.ca,
        lookup: loopbackLookup,
        agent: options.agent ?? false,
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            mode: res.headers['x-vaultover-mode'] as string | undefined,
            body,
            reusedSocket: req.reusedSocket,
            elapsedMs: performance.now() - started,
          }),
        );
      },
    );
    if (options.timeoutMs) req.setTimeout(options.timeoutMs, () => req.destroy(new GaveUp()));
    req.on('error', reject);
    req.end();
  });
}

class GaveUp extends Error {
  readonly code = 'GAVE_UP';
}

async function failure(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(
    () => undefined,
    (e: NodeJS.ErrnoException) => e,
  );
  expect(error, 'the request should have failed').toBeDefined();
  return error?.code;
}

describe('toxics on the connections between clients and the global endpoint', () => {
  it('a latency toxic added while a keep-alive connection is open delays its next answer', async () => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect((await get('gcl-read', { agent })).status).toBe(200);
      gateway.link.addToxic({ name: 'slow', type: 'latency', attributes: { latency: 300 } });
      const slowed = await get('gcl-read', { agent });
      expect(slowed).toMatchObject({ status: 200, reusedSocket: true });
      expect(slowed.elapsedMs).toBeGreaterThanOrEqual(290);
      const { bytes } = gateway.link.metrics();
      expect(bytes.downstream.sentBytes).toBeGreaterThan(0);
    } finally {
      agent.destroy();
    }
  });

  it('the SDK works through latency with jitter on both directions, and byte order holds', async () => {
    gateway.link.addToxic({ type: 'latency', stream: 'both', attributes: { latency: 20, jitter: 20 } });
    const client = secretClient(via, 'officer', via.vaultUrl(VAULT));
    const value = 'x'.repeat(24_000);
    await client.setSecret('gcl-large', value);
    expect((await client.getSecret('gcl-large')).value).toBe(value);
  });

  it('reset_peer resets new connections: the client sees ECONNRESET', async () => {
    gateway.link.addToxic({ type: 'reset_peer', attributes: { timeout: 0 } });
    expect(await failure(get('gcl-read'))).toBe('ECONNRESET');
  });

  it('timeout: nothing passes, then the connection is reset after `timeout` ms', async () => {
    gateway.link.addToxic({ type: 'timeout', stream: 'both', attributes: { timeout: 300 } });
    expect(await failure(get('gcl-read', { timeoutMs: 20_000 }))).toBe('ECONNRESET');
  });

  it('blackhole: the client hears nothing until it gives up; the gateway does not answer for the region', async () => {
    gateway.link.addToxic({ type: 'blackhole', stream: 'upstream' });
    // Well past the gateway's upstream timeout: without the toxic rule, the gateway would answer 503.
    expect(await failure(get('gcl-read', { timeoutMs: 3 * UPSTREAM_TIMEOUT_MS }))).toBe('GAVE_UP');
    expect(await connectionCount(gateway.registry, REGION, 'upstream-error')).toBe(0);
    gateway.link.removeToxic('blackhole_upstream');
    expect((await get('gcl-read')).status).toBe(200);
  });

  it('bandwidth: an answer of over 20 KB at 20 KB/s takes over a second', async () => {
    await secretClient(via, 'officer', via.vaultUrl(VAULT)).setSecret('gcl-20k', 'y'.repeat(20 * 1024));
    gateway.link.addToxic({ type: 'bandwidth', attributes: { rate: 20 } });
    const answer = await get('gcl-20k');
    expect(answer.status).toBe(200);
    expect(answer.elapsedMs).toBeGreaterThanOrEqual(900);
  });

  it("applies to the gateway's own answers: a failover window's 503 arrives after the latency", async () => {
    source.set({
      kind: 'fail',
      how: 'status',
      reason: 'failing over from westeurope to northeurope',
      state: 'failing-over',
      until: Date.now() + 60_000,
      epoch: 1,
    });
    gateway.link.addToxic({ type: 'latency', attributes: { latency: 300 } });
    const answer = await get('gcl-read');
    expect(answer).toMatchObject({ status: 503, mode: 'failing-over' });
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'ServiceUnavailable' } });
    expect(answer.elapsedMs).toBeGreaterThanOrEqual(290);
  });

  it('a toxicity of 0 applies to no connection', async () => {
    gateway.link.addToxic({ type: 'reset_peer', toxicity: 0 });
    expect((await get('gcl-read')).status).toBe(200);
  });

  it('disabled, the endpoint refuses connections and drops open ones; enabled, it serves again on its port', async () => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect((await get('gcl-read', { agent })).status).toBe(200);
      await gateway.link.setEnabled(false);
      expect(gateway.link.toJSON()).toMatchObject({ name: 'global-endpoint', enabled: false });
      await pollUntil('the open connection is dropped', () => gateway.link.metrics().connectionsActive === 0);
      const refused = await new Promise<string | undefined>((resolve) => {
        const socket = connect(gateway.port, '127.0.0.1');
        socket.once('connect', () => {
          socket.destroy();
          resolve(undefined);
        });
        socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code));
      });
      expect(refused).toBe('ECONNREFUSED');
      await gateway.link.setEnabled(true);
      expect((await get('gcl-read', { agent })).status).toBe(200);
    } finally {
      agent.destroy();
    }
  });

  it('shows as a proxy: its listen address, the serving region as upstream, its toxics', () => {
    gateway.link.addToxic({ name: 'lag', type: 'latency', attributes: { latency: 5 } });
    expect(gateway.link.toJSON()).toEqual({
      name: 'global-endpoint',
      listen: `127.0.0.1:${gateway.port}`,
      upstream: new URL(region.url).host,
      enabled: true,
      toxics: [
        {
          name: 'lag',
          type: 'latency',
          stream: 'downstream',
          toxicity: 1,
          attributes: { latency: 5, jitter: 0 },
        },
      ],
    });
  });
});
