import { describe, expect, it } from 'vitest';
import { BadRequestError, ProxyListenError } from './errors.ts';
import { LinkProxy } from './link-proxy.ts';
import { connectTo, readBytes, startEchoServer, startProxy } from './test-helpers.ts';

describe('enabled: false', () => {
  it('closes open connections and refuses new ones; enabling again accepts on the same port', async () => {
    const echo = await startEchoServer();
    const proxy = await startProxy(echo.port);
    const port = proxy.listenPort;
    const open = await connectTo(port);
    const closed = new Promise((resolve) => open.once('close', resolve));

    await proxy.setEnabled(false);
    await closed;
    await expect(connectTo(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(proxy.metrics()).toMatchObject({ enabled: false, connectionsActive: 0 });

    await proxy.setEnabled(true);
    expect(proxy.listenPort).toBe(port);
    const client = await connectTo(port);
    const reply = readBytes(client, 4);
    client.write('back');
    expect((await reply).toString()).toBe('back');
  });

  it('a proxy created disabled does not listen until enabled', async () => {
    const echo = await startEchoServer();
    const proxy = await startProxy(echo.port, { enabled: false });
    expect(proxy.listenPort).toBe(0);
    await proxy.setEnabled(true);
    expect(proxy.listenPort).toBeGreaterThan(0);
    await connectTo(proxy.listenPort);
  });

  it('a failed enable (port taken) throws ProxyListenError and leaves the proxy disabled', async () => {
    const echo = await startEchoServer();
    const proxy = await startProxy(echo.port, { enabled: false, listenPort: echo.port });
    await expect(proxy.setEnabled(true)).rejects.toBeInstanceOf(ProxyListenError);
    expect(proxy.enabled).toBe(false);
  });

  it('rejects an upstream that is not host:port', () => {
    expect(() => new LinkProxy({ name: 'bad', upstream: 'localhost' })).toThrow(BadRequestError);
  });
});
