import { runCommand } from '@vaultover/foundation';
import { KernelLink } from '@vaultover/link-proxy';
import {
  createTestNetwork,
  NAMESPACE_REDIS_PORT,
  type NamespaceRedis,
  pollUntil,
  startNamespaceRedis,
  type TestNetwork,
  whyNoNetworkNamespaces,
} from '@vaultover/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A kernel link on a real veth pair (docs/network-namespaces.md): a test network of a hub and one place,
// westeurope, with a Redis there; the hub reaches it across the pair. What the link's toxics do is read
// back from the kernel (the pair's state, its queueing disciplines) and seen by traffic (a PING from the
// hub). Root only: elsewhere the file is skipped, saying why.

const unavailable = await whyNoNetworkNamespaces();
if (unavailable) console.log(`test/netns/kernel-link.test.ts skipped: ${unavailable}`);

let network: TestNetwork;
let redis: NamespaceRedis | undefined;
let link: KernelLink;

beforeAll(async () => {
  if (unavailable) return;
  network = await createTestNetwork(['westeurope']);
  const place = network.places.westeurope;
  if (!place) throw new Error('the network has no westeurope');
  redis = await startNamespaceRedis(place);
  link = new KernelLink({
    name: 'westeurope-net',
    pair: { netns: place.netns, device: place.device, peer: place.peer, peerNetns: network.hub.netns },
  });
  await link.start();
});

afterAll(async () => {
  await link?.close();
  await redis?.stop();
  await network?.remove();
});

/** PING from the hub to westeurope's Redis, giving up after 2 s: PONG when the path carries it. */
async function pingFromHub(): Promise<string> {
  const address = network.places.westeurope?.address as string;
  // coreutils' timeout: this redis-cli (7.0) has no connection timeout of its own.
  const args = ['netns', 'exec', network.hub.netns, 'timeout', '2', 'redis-cli', '-h', address];
  return (
    await runCommand('ip', [...args, '-p', String(NAMESPACE_REDIS_PORT), 'ping']).catch(() => '')
  ).trim();
}

/** The root queueing discipline of an interface, as tc shows it. */
async function rootQdisc(
  netns: string,
  device: string,
): Promise<{ kind: string; options?: { rate?: number } }> {
  const shown = JSON.parse(
    await runCommand('tc', ['-n', netns, '-j', 'qdisc', 'show', 'dev', device, 'root']),
  );
  return (shown as { kind: string }[])[0] ?? { kind: 'none' };
}

async function operstate(netns: string, device: string): Promise<string> {
  const [shown] = JSON.parse(await runCommand('ip', ['-n', netns, '-j', 'link', 'show', 'dev', device]));
  return (shown as { operstate: string }).operstate;
}

describe.skipIf(unavailable !== undefined)('a kernel link on a veth pair', () => {
  it('partitions with a blackhole (the pair down, both ends) and heals when it is removed', async () => {
    const place = network.places.westeurope as NonNullable<TestNetwork['places'][string]>;
    expect(await pingFromHub()).toBe('PONG');
    await link.addToxic({ name: 'cut', type: 'blackhole', stream: 'both' });
    expect(await operstate(network.hub.netns, place.peer)).toBe('DOWN');
    expect(await operstate(place.netns, place.device)).toBe('DOWN');
    expect(await pingFromHub()).not.toBe('PONG');
    await link.removeToxic('cut');
    await pollUntil('the hub reaches westeurope again', async () => (await pingFromHub()) === 'PONG', {
      timeoutMs: 15_000,
    });
  });

  it('caps each direction with a tbf on the end that sends it, and counts the bytes both ways', async () => {
    const place = network.places.westeurope as NonNullable<TestNetwork['places'][string]>;
    await link.addToxic({ name: 'in', type: 'bandwidth', stream: 'upstream', attributes: { rate: 64 } });
    await link.addToxic({ name: 'out', type: 'bandwidth', stream: 'downstream', attributes: { rate: 16 } });
    // tc reports rates in bytes a second: KB/s × 1024.
    expect(await rootQdisc(network.hub.netns, place.peer)).toMatchObject({
      kind: 'tbf',
      options: { rate: 64 * 1024 },
    });
    expect(await rootQdisc(place.netns, place.device)).toMatchObject({
      kind: 'tbf',
      options: { rate: 16 * 1024 },
    });
    expect(await pingFromHub()).toBe('PONG');
    await link.removeAllToxics();
    expect((await rootQdisc(network.hub.netns, place.peer)).kind).not.toBe('tbf');
    expect((await rootQdisc(place.netns, place.device)).kind).not.toBe('tbf');
    const { bytes } = await link.metrics();
    expect(bytes.upstream.sentBytes).toBeGreaterThan(0);
    expect(bytes.downstream.sentBytes).toBeGreaterThan(0);
  });
});
