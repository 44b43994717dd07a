import { settledWithin } from '@vaultover/testkit';
import { describe, expect, it } from 'vitest';
import { connectTo, readBytes, startEchoServer, startProxy } from './test-helpers.ts';

describe('blackhole toxic (partition)', () => {
  it('swallows data on an open connection, keeps it open, and loses what it swallowed', async () => {
    const echo = await startEchoServer();
    const proxy = await startProxy(echo.port);
    const client = await connectTo(proxy.listenPort);
    proxy.addToxic({ name: 'partition', type: 'blackhole', stream: 'both' });

    const duringPartition = readBytes(client, 4);
    client.write('lost');
    expect(await settledWithin(duringPartition, 200)).toBe('pending');
    expect(echo.received()).toBe(0);
    expect(client.destroyed).toBe(false);

    proxy.removeToxic('partition');
    client.write('next');
    // The first 4 bytes to arrive are the new ones: 'lost' never reaches the server.
    expect((await duringPartition).toString()).toBe('next');
    expect(echo.received()).toBe(4);
    expect(proxy.metrics().bytes.upstream).toEqual({ receivedBytes: 8, sentBytes: 4 });
  });

  it('accepts new connections during a partition, but nothing flows', async () => {
    const echo = await startEchoServer();
    const proxy = await startProxy(echo.port);
    proxy.addToxic({ type: 'blackhole', stream: 'upstream' });
    const client = await connectTo(proxy.listenPort);
    const reply = readBytes(client, 2);
    client.write('hi');
    expect(await settledWithin(reply, 200)).toBe('pending');
    expect(proxy.metrics().connectionsActive).toBe(1);
  });

  it('timeout toxic with timeout > 0 swallows, then closes the connection', async () => {
    const echo = await startEchoServer();
    const proxy = await startProxy(echo.port);
    proxy.addToxic({ type: 'timeout', attributes: { timeout: 100 } });
    const client = await connectTo(proxy.listenPort);
    client.on('error', () => {}); // the toxic's reset is the point; 'close' below is what is checked
    const closed = new Promise((resolve) => client.once('close', resolve));
    client.write('x');
    await closed;
    expect(echo.received()).toBe(1);
    expect(proxy.metrics().bytes.downstream.sentBytes).toBe(0);
  });
});
