import { createServer, type Server, type Socket } from 'node:net';

/**
 * Test helper: a TCP proxy to a Redis whose traffic can be swallowed (a partition that hangs reads,
 * the way toxiproxy's blackhole does) and let through again. Only replicator.test.ts uses it. The link
 * proxy (packages/link-proxy, its `blackhole` toxic) does the same and more, and the other partition
 * tests use it; this package does not depend on @vaultover/link-proxy, which is why this helper remains.
 * With that dependency (a devDependency suffices) the test can use LinkProxy and this file can go.
 */
export interface BlackholeProxy {
  url: string;
  /** While on, bytes in both directions are dropped; connections stay open. */
  setBlackhole(on: boolean): void;
  close(): Promise<void>;
}

export async function startBlackholeProxy(host: string, port: number): Promise<BlackholeProxy> {
  let blackhole = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = new (client.constructor as typeof Socket)();
    upstream.connect(port, host);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => socket.destroy());
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (data) => {
      if (!blackhole) upstream.write(data);
    });
    upstream.on('data', (data) => {
      if (!blackhole) client.write(data);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no port');
  return {
    url: `redis://127.0.0.1:${address.port}`,
    setBlackhole(on) {
      blackhole = on;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
