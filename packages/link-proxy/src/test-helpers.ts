import { connect, createServer, type Socket } from 'node:net';
import { onCleanup } from '@vaultover/testkit/cleanup';
import type { ApiLink } from './api-link.ts';
import { startControlApi } from './control-api.ts';
import { LinkProxy } from './link-proxy.ts';
import type { LinkProxyOptions } from './link-proxy-options.ts';
import { ADMIN_AUTHORIZATION, testAccess } from './test-access.ts';

/** A TCP echo server on a free loopback port; `received` counts the bytes it got. Closed after the test. */
export async function startEchoServer(): Promise<{ port: number; received: () => number }> {
  let received = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', (chunk) => {
      received += chunk.length;
      socket.write(chunk);
    });
    // Toxics reset connections on purpose; 'close' follows and is what the tests watch.
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onCleanup(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('echo server has no port');
  return { port: address.port, received: () => received };
}

/** A started LinkProxy to 127.0.0.1:upstreamPort, closed after the test. */
export async function startProxy(
  upstreamPort: number,
  options: Partial<LinkProxyOptions> = {},
): Promise<LinkProxy> {
  const proxy = new LinkProxy({ name: 'test', upstream: `127.0.0.1:${upstreamPort}`, ...options });
  onCleanup(() => proxy.close());
  await proxy.start();
  return proxy;
}

/** A connected client socket, destroyed after the test. Rejects with the socket error (e.g. ECONNREFUSED). */
export async function connectTo(port: number): Promise<Socket> {
  const socket = connect({ host: '127.0.0.1', port });
  onCleanup(() => void socket.destroy());
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.setNoDelay(true);
  return socket;
}

/** Resolves with the first `length` bytes the socket receives from now on. */
export function readBytes(socket: Socket, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size < length) return;
      socket.off('data', onData);
      socket.off('error', reject);
      resolve(Buffer.concat(chunks).subarray(0, length));
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

/**
 * The links API over `links` (testAccess), closed after the test: `send` as any caller, `call` as an
 * administrator. A string body is sent as it is, anything else as JSON.
 */
export async function startTestApi(links: ApiLink[]) {
  const api = await startControlApi(links, { access: testAccess });
  onCleanup(api.close);
  const send = async (method: string, path: string, body?: unknown, authorization?: string) => {
    const response = await fetch(`${api.url}${path}`, {
      method,
      body: typeof body === 'string' ? body : body === undefined ? undefined : JSON.stringify(body),
      headers: authorization === undefined ? {} : { authorization },
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? JSON.parse(text) : undefined,
      challenge: response.headers.get('www-authenticate'),
    };
  };
  const call = async (method: string, path: string, body?: unknown) => {
    const { status, body: reply } = await send(method, path, body, ADMIN_AUTHORIZATION);
    return { status, body: reply };
  };
  return { url: api.url, send, call };
}
