import { describe, expect, it } from 'vitest';
import { connectTo, readBytes, startEchoServer, startProxy } from './test-helpers.ts';

function nextError(socket: import('node:net').Socket): Promise<NodeJS.ErrnoException> {
  return new Promise((resolve) => socket.once('error', resolve));
}

describe('reset_peer toxic', () => {
  it('resets an open connection after timeout ms: the client sees ECONNRESET', async () => {
    const echo = await startEchoServer();
    const proxy = await startProxy(echo.port);
    const client = await connectTo(proxy.listenPort);
    const error = nextError(client);
    proxy.addToxic({ type: 'reset_peer', attributes: { timeout: 50 } });
    // Data still flows until the reset.
    const reply = readBytes(client, 2);
    client.write('ok');
    expect((await reply).toString()).toBe('ok');
    expect((await error).code).toBe('ECONNRESET');
  });

  it('with timeout 0, resets new connections at once', async () => {
    const echo = await startEchoServer();
    const proxy = await startProxy(echo.port);
    proxy.addToxic({ type: 'reset_peer' });
    const client = await connectTo(proxy.listenPort);
    expect((await nextError(client)).code).toBe('ECONNRESET');
    expect(proxy.metrics().connectionsActive).toBe(0);
  });
});
