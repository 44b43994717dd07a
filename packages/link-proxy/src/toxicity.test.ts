import { settledWithin } from '@vaultover/testkit';
import { describe, expect, it } from 'vitest';
import { connectTo, readBytes, startEchoServer, startProxy } from './test-helpers.ts';

async function echoes(port: number): Promise<boolean> {
  const client = await connectTo(port);
  const reply = readBytes(client, 1);
  client.write('x');
  const state = await settledWithin(reply, 100);
  client.destroy();
  return state === 'settled';
}

describe('toxicity', () => {
  it('0 never applies the toxic', async () => {
    const echo = await startEchoServer();
    const proxy = await startProxy(echo.port);
    proxy.addToxic({ type: 'blackhole', stream: 'both', toxicity: 0 });
    for (let i = 0; i < 10; i += 1) expect(await echoes(proxy.listenPort)).toBe(true);
  });

  it('0.5 applies to some connections, reproducibly for a seed', async () => {
    const outcomes = async () => {
      const echo = await startEchoServer();
      const proxy = await startProxy(echo.port, { seed: 7 });
      proxy.addToxic({ type: 'blackhole', stream: 'both', toxicity: 0.5 });
      const results: boolean[] = [];
      for (let i = 0; i < 10; i += 1) results.push(await echoes(proxy.listenPort));
      return results;
    };
    const first = await outcomes();
    expect(first).toContain(true);
    expect(first).toContain(false);
    expect(await outcomes()).toEqual(first);
  });
});
