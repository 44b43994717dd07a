import { type AddressInfo, createServer } from 'node:net';
import { pollUntil } from '@vaultover/testkit';
import { onCleanup } from '@vaultover/testkit/cleanup';
import { describe, expect, it } from 'vitest';
import { connectTo, readBytes, startEchoServer, startProxy } from './test-helpers.ts';

describe('latency toxic', () => {
  it('delays a round trip by at least the configured latency, on an already open connection', async () => {
    const echo = await startEchoServer();
    const proxy = await startProxy(echo.port);
    const client = await connectTo(proxy.listenPort);
    // Added after connect: toxics apply to existing connections at once.
    proxy.addToxic({ type: 'latency', stream: 'both', attributes: { latency: 100 } });
    const started = performance.now();
    const reply = readBytes(client, 5);
    client.write('hello');
    expect((await reply).toString()).toBe('hello');
    // Up and down: 2 × 100 ms; a generous lower bound only, no upper bound.
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('keeps byte order under jitter', async () => {
    const echo = await startEchoServer();
    const proxy = await startProxy(echo.port, { seed: 42 });
    proxy.addToxic({ type: 'latency', stream: 'upstream', attributes: { latency: 20, jitter: 20 } });
    const client = await connectTo(proxy.listenPort);
    const chunks = Array.from({ length: 40 }, (_, i) => Buffer.from(`chunk-${String(i).padStart(3, '0')};`));
    const expected = Buffer.concat(chunks);
    const reply = readBytes(client, expected.length);
    for (const chunk of chunks) {
      client.write(chunk);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect((await reply).toString()).toBe(expected.toString());
  });

  it('removing the toxic releases held data at once, in order', async () => {
    const echo = await startEchoServer();
    const proxy = await startProxy(echo.port);
    proxy.addToxic({ name: 'slow', type: 'latency', attributes: { latency: 60_000 } });
    const client = await connectTo(proxy.listenPort);
    const reply = readBytes(client, 6);
    client.write('abc');
    client.write('def');
    // The echo of both writes is inside the proxy, held by the (downstream) toxic, before it is removed.
    await pollUntil(
      'the proxy holds the six echoed bytes',
      () => proxy.metrics().bytes.downstream.receivedBytes === 6,
    );
    expect(proxy.metrics().bytes.downstream.sentBytes).toBe(0);
    proxy.removeToxic('slow');
    expect((await reply).toString()).toBe('abcdef');
  });
});

describe('a clean close under latency', () => {
  it('reaches the client behind the bytes the toxic holds: nothing sent before it is lost', async () => {
    // A server that answers once and closes at once, as an HTTP server does with `Connection: close`.
    const server = createServer((socket) => socket.end('answer and goodbye'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onCleanup(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const proxy = await startProxy((server.address() as AddressInfo).port);
    proxy.addToxic({ type: 'latency', attributes: { latency: 100 } });
    const client = await connectTo(proxy.listenPort);
    let received = '';
    client.on('data', (chunk: Buffer) => {
      received += chunk.toString();
    });
    await new Promise((resolve) => client.once('end', resolve));
    expect(received).toBe('answer and goodbye');
    await pollUntil('the connection is gone', () => proxy.metrics().connectionsActive === 0);
  });
});
