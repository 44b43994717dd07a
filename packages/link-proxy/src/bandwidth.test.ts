import { describe, expect, it } from 'vitest';
import { connectTo, readBytes, startEchoServer, startProxy } from './test-helpers.ts';

describe('bandwidth toxic', () => {
  it('limits throughput to rate KB/s', async () => {
    const echo = await startEchoServer();
    const proxy = await startProxy(echo.port);
    proxy.addToxic({ type: 'bandwidth', attributes: { rate: 50 } });
    const client = await connectTo(proxy.listenPort);
    const payload = Buffer.alloc(25 * 1024, 1);
    const started = performance.now();
    const reply = readBytes(client, payload.length);
    client.write(payload);
    expect((await reply).equals(payload)).toBe(true);
    // 25 KB at 50 KB/s is 500 ms; a generous lower bound only.
    expect(performance.now() - started).toBeGreaterThanOrEqual(400);
  });

  it('rate 0 means unlimited', async () => {
    const echo = await startEchoServer();
    const proxy = await startProxy(echo.port);
    proxy.addToxic({ type: 'bandwidth', attributes: { rate: 0 } });
    const client = await connectTo(proxy.listenPort);
    const reply = readBytes(client, 3);
    client.write('abc');
    expect((await reply).toString()).toBe('abc');
  });
});
