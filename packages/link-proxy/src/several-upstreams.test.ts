import { settledWithin } from '@vaultover/testkit';
import { onCleanup } from '@vaultover/testkit/cleanup';
import { describe, expect, it } from 'vitest';
import { LinkProxy } from './link-proxy.ts';
import { connectTo, readBytes, startEchoServer } from './test-helpers.ts';

// A link in front of a Redis Cluster forwards every node, each on a port of its own, through one set of
// toxics, counters and state: the network path between two places, whichever node a client talks to.

async function startTwoNodeProxy() {
  const [a, b] = await Promise.all([startEchoServer(), startEchoServer()]);
  const proxy = new LinkProxy({ name: 'cluster', upstream: [`127.0.0.1:${a.port}`, `127.0.0.1:${b.port}`] });
  onCleanup(() => proxy.close());
  await proxy.start();
  return { proxy, nodes: [a, b] as const };
}

describe('LinkProxy with several upstreams', () => {
  it('forwards each address on a port of its own, and routes says which', async () => {
    const { proxy, nodes } = await startTwoNodeProxy();
    const routes = proxy.routes;
    expect([...routes.keys()]).toEqual(nodes.map(({ port }) => `127.0.0.1:${port}`));
    const ports = [...routes.values()].map(({ port }) => port);
    expect(new Set(ports).size).toBe(2);
    expect(ports[0]).toBe(proxy.listenPort);
    for (const [index, port] of ports.entries()) {
      const client = await connectTo(port);
      const reply = readBytes(client, 4);
      client.write('ping');
      expect((await reply).toString()).toBe('ping');
      expect(nodes[index]?.received()).toBe(4);
      client.end();
    }
    expect(proxy.metrics().connectionsTotal).toBe(2);
    expect(proxy.toJSON().upstream).toBe(proxy.upstreams.join(','));
  });

  it('applies a toxic to every address, and disabling closes every port', async () => {
    const { proxy, nodes } = await startTwoNodeProxy();
    const [first, second] = [...proxy.routes.values()].map(({ port }) => port);
    proxy.addToxic({ name: 'cut', type: 'blackhole', stream: 'both' });
    const held = await connectTo(second as number);
    const reply = readBytes(held, 4);
    held.write('lost');
    expect(await settledWithin(reply, 200)).toBe('pending');
    expect(nodes[1].received()).toBe(0);
    proxy.removeToxic('cut');

    await proxy.setEnabled(false);
    for (const port of [first, second]) {
      const refused = await connectTo(port as number).then(
        () => 'connected',
        () => 'refused',
      );
      expect(refused).toBe('refused');
    }
    await proxy.setEnabled(true);
    // The same ports again: clients hold them.
    expect([...proxy.routes.values()].map(({ port }) => port)).toEqual([first, second]);
    const client = await connectTo(second as number);
    const echoed = readBytes(client, 2);
    client.write('ok');
    expect((await echoed).toString()).toBe('ok');
    client.end();
  });
});
