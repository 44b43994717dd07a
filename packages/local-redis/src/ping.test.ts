import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { pingRedis } from './ping.ts';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

/** A stand-in for a redis that is still loading its AOF: answers `loadingReplies` PINGs with LOADING. */
async function loadingRedis(
  loadingReplies: number,
  loading = '-LOADING Redis is loading the dataset in memory',
): Promise<{ url: string; pings: () => number }> {
  let pings = 0;
  const server = createServer((socket) => {
    // Each RESP command is an array of bulk strings; anything but PING (e.g. CLIENT SETINFO) gets +OK.
    socket.on('data', (data) => {
      for (const [, name] of data.toString().matchAll(/\*\d+\r\n\$\d+\r\n([^\r]*)\r\n/g)) {
        if (name?.toUpperCase() !== 'PING') {
          socket.write('+OK\r\n');
          continue;
        }
        pings++;
        socket.write(pings <= loadingReplies ? `${loading}\r\n` : '+PONG\r\n');
      }
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
  return { url: `redis://127.0.0.1:${address.port}`, pings: () => pings };
}

describe('pingRedis', () => {
  it('waits through LOADING replies for a real PONG when asked to', async () => {
    const fake = await loadingRedis(3);
    await pingRedis(fake.url, 5_000, { waitWhileLoading: true });
    expect(fake.pings()).toBe(4);
  });

  it('waits only for the LOADING code word, not for a reply that merely starts with it', async () => {
    const fake = await loadingRedis(1, '-LOADINGX some other error');
    await expect(pingRedis(fake.url, 1_000, { waitWhileLoading: true })).rejects.toThrow(/^LOADINGX/);
    expect(fake.pings()).toBe(1);
  });

  it('fails on LOADING by default', async () => {
    const fake = await loadingRedis(1);
    await expect(pingRedis(fake.url, 1_000)).rejects.toThrow(/LOADING/);
  });

  it('gives up at the deadline when redis never finishes loading', async () => {
    const fake = await loadingRedis(Number.POSITIVE_INFINITY);
    await expect(pingRedis(fake.url, 300, { waitWhileLoading: true })).rejects.toThrow(/LOADING/);
  });
});
