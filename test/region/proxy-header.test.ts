import https from 'node:https';
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { encodeProxyHeader, PP2_TYPE_VAULTOVER_EPOCH } from '@vaultover/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, credentialFor, rawRequest } from '../support/clients.ts';
import { startTestRegion, type TestRegion } from '../support/region.ts';

// A region node reached the way the global endpoint reaches it: a PROXY v2 header before the TLS
// handshake. External Redis: database 3 (shared with the gateway tests), secret names `pp-*`.
let region: TestRegion;

beforeAll(async () => {
  region = await startTestRegion({ externalDb: 3 });
});

afterAll(async () => {
  await region?.close();
});

const addresses = {
  source: { address: '127.0.0.1', port: 40000 },
  destination: { address: '127.0.0.1', port: 443 },
};

describe('a PROXY v2 header on the HTTPS port', () => {
  it("fences writes against the connection's epoch, which wins over the x-vaultover-epoch header", async () => {
    // The region is at epoch 0: a connection routed under epoch 7 may read, not write.
    const header = encodeProxyHeader({ ...addresses, epoch: 7 });
    const write = await viaPrefix(header, 'PUT', `/secrets/pp-fenced?${API}`, { value: 'x' }, '0');
    expect(write.status).toBe(503);
    expect(write.text).toMatch(/routed under epoch 7 but region \S+ is at epoch 0/);
    const read = await viaPrefix(header, 'GET', `/secrets/pp-fenced?${API}`);
    expect(read.status).toBe(404); // served (there is no such secret), not refused
    expect(read.headers['x-vaultover-mode']).toBe('read-write');

    const current = encodeProxyHeader({ ...addresses, epoch: 0 });
    expect((await viaPrefix(current, 'PUT', `/secrets/pp-fenced?${API}`, { value: 'x' }, '7')).status).toBe(
      200,
    );
  });

  it('serves clients without a header as before, with the region and mode headers', async () => {
    const response = await rawRequest(region, { path: `/secrets/pp-fenced?${API}`, principal: 'officer' });
    expect(response.status).toBe(200);
    expect(response.headers['x-ms-keyvault-region']).toBe(region.region);
    expect(response.headers['x-vaultover-mode']).toBe('read-write');
  });

  it('drops a connection whose header is malformed', async () => {
    const header = encodeProxyHeader({ ...addresses, epoch: 1 });
    // The epoch TLV claims 9 bytes: the lengths disagree.
    const bad = Buffer.from(header);
    const tlv = bad.indexOf(PP2_TYPE_VAULTOVER_EPOCH, 16 + 12);
    bad.writeUInt16BE(9, tlv + 1);
    const failure = await viaPrefix(bad, 'GET', `/secrets/pp-fenced?${API}`).catch((error: Error) => error);
    // Dropped before TLS: the client's handshake never completes.
    expect((failure as NodeJS.ErrnoException).code).toBe('ECONNRESET');
  });
});

/** One request on a new connection that starts with `prefix`, then TLS, as the global endpoint relays it. */
async function viaPrefix(
  prefix: Buffer,
  method: string,
  path: string,
  body?: unknown,
  epochHeader?: string,
): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  const token = await credentialFor(region, 'officer').getToken('https://vault.azure.net/.default');
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        method,
        host: 'localhost',
        port: region.port,
        path,
        // No agent: with one (even `agent: false`'s), the agent's own createConnection would be used.
        headers: {
          authorization: `Bearer ${token.token}`,
          ...(payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {}),
          ...(epochHeader ? { 'x-vaultover-epoch': epochHeader } : {}),
        },
        createConnection: () => {
          const raw = netConnect(region.port, '127.0.0.1');
          raw.write(prefix);
          return tlsConnect({ socket: raw, servername: 'localhost', ca: region.ca });
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
