import { pollUntil } from '@vaultover/testkit';
import { describe, expect, it } from 'vitest';
import { connectTo, readBytes, startEchoServer, startProxy } from './test-helpers.ts';

/** TCP handles (sockets and servers) the process holds now: what keeps it from exiting. */
function tcpHandles(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind.startsWith('TCP')).length;
}

describe('LinkProxy without toxics', () => {
  it('forwards both ways and counts bytes and connections', async () => {
    const echo = await startEchoServer();
    const proxy = await startProxy(echo.port);
    const client = await connectTo(proxy.listenPort);
    const payload = Buffer.alloc(100_000, 7);
    const reply = readBytes(client, payload.length);
    client.write(payload);
    expect((await reply).equals(payload)).toBe(true);

    const metrics = proxy.metrics();
    expect(metrics.bytes.upstream).toEqual({ receivedBytes: 100_000, sentBytes: 100_000 });
    expect(metrics.bytes.downstream).toEqual({ receivedBytes: 100_000, sentBytes: 100_000 });
    expect(metrics).toMatchObject({
      connectionsActive: 1,
      connectionsTotal: 1,
      toxicsActive: 0,
      enabled: true,
    });

    client.end();
    await pollUntil('the connection is gone', () => proxy.metrics().connectionsActive === 0);
    expect(proxy.metrics().connectionsTotal).toBe(1);
  });

  it('close() closes every socket it owns, so no TCP handle is left', async () => {
    const before = tcpHandles();
    const echo = await startEchoServer();
    const proxy = await startProxy(echo.port);
    const clients = await Promise.all([1, 2, 3].map(() => connectTo(proxy.listenPort)));
    await pollUntil('three connections', () => proxy.metrics().connectionsActive === 3);
    await proxy.close();
    await Promise.all(clients.map((client) => new Promise((resolve) => client.once('close', resolve))));
    // Only the echo server remains of what this test opened (its own sockets close on the FIN).
    await pollUntil('only the echo server is left', () => tcpHandles() <= before + 1);
    expect(proxy.metrics().connectionsActive).toBe(0);
  });

  it('closes the client when the upstream is not there', async () => {
    const echo = await startEchoServer();
    const proxy = await startProxy(1, { upstream: '127.0.0.1:1' });
    expect(echo.port).toBeGreaterThan(0);
    const client = await connectTo(proxy.listenPort);
    await new Promise((resolve) => client.once('close', resolve));
    expect(proxy.metrics().connectionsActive).toBe(0);
  });
});
