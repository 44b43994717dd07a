// Bench child: the least a Node process relaying TCP connections does, in front of the primary region
// node: accept, connect to the region, pipe both ways. No PROXY header, no route decision, no toxics,
// no metrics. It is the floor of the global endpoint's relay: what any relay in Node costs per request
// on this machine (mostly the kernel's work for its reads and writes), measured beside the gateway.
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import { runAsChild } from '../child/child-protocol.ts';

export interface BareRelayConfig {
  /** The region node's port on 127.0.0.1. */
  targetPort: number;
}

runAsChild<BareRelayConfig, { port: number }>(async (config) => {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const server = createServer({ noDelay: true }, (client) => {
    const upstream = connect({ host: '127.0.0.1', port: config.targetPort, noDelay: true });
    track(client);
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  return { info: { port: (server.address() as AddressInfo).port }, close };
});
