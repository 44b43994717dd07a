import { CommandFailedError } from '@vaultover/foundation';
import { describe, expect, it } from 'vitest';
import { BadToxicError, KernelCommandError } from '../errors.ts';
import { startTestApi } from '../test-helpers.ts';
import type { Direction } from '../toxic.ts';
import { KernelLink } from './kernel-link.ts';
import type { LinkKernel } from './veth-kernel.ts';

// The link's side of a kernel link, against a fake kernel that records what it is told: which toxics
// become which interface states, in which order, and what happens when the kernel refuses. The real
// kernel's side (ip, tc) is test/netns/kernel-link.test.ts.

const PAIR = { netns: 'vo-test-westeurope', device: 'eth0', peer: 'westeurope' };

/** A kernel that records each command, and refuses the next setRate when told to. */
function fakeKernel() {
  const told: string[] = [];
  let refuseNextRate = false;
  const kernel: LinkKernel = {
    async setUp(up) {
      told.push(up ? 'up' : 'down');
    },
    async setRate(direction: Direction, bytesPerSecond: number | null) {
      if (refuseNextRate) {
        refuseNextRate = false;
        throw new CommandFailedError('tc qdisc replace: refused', 2);
      }
      told.push(`${direction} ${bytesPerSecond ?? 'unlimited'}`);
    },
    bytes: async () => ({ upstream: 300, downstream: 4000 }),
  };
  return {
    kernel,
    told,
    refuseNextRate: () => {
      refuseNextRate = true;
    },
  };
}

async function startedLink() {
  const fake = fakeKernel();
  const link = new KernelLink({ name: 'westeurope-net', pair: PAIR, kernel: fake.kernel });
  await link.start();
  return { link, ...fake };
}

describe('KernelLink', () => {
  it('starts by telling the kernel everything: up, no cap either way', async () => {
    const { told } = await startedLink();
    expect(told).toEqual(['up', 'upstream unlimited', 'downstream unlimited']);
  });

  it('takes the pair down for a blackhole both ways or while disabled, and up when neither is left', async () => {
    const { link, told } = await startedLink();
    told.length = 0;
    await link.addToxic({ name: 'cut', type: 'blackhole', stream: 'both' });
    await link.setEnabled(false);
    await link.removeToxic('cut');
    expect(told).toEqual(['down']);
    await link.setEnabled(true);
    expect(told).toEqual(['down', 'up']);
    expect(link.toJSON()).toEqual({
      name: 'westeurope-net',
      listen: '',
      upstream: '',
      enabled: true,
      toxics: [],
      kernel: PAIR,
    });
  });

  it('caps each direction at the smallest bandwidth on it, 0 being no cap', async () => {
    const { link, told } = await startedLink();
    told.length = 0;
    await link.addToxic({ name: 'thin', type: 'bandwidth', attributes: { rate: 16 } });
    await link.addToxic({ name: 'thinner', type: 'bandwidth', stream: 'both', attributes: { rate: 8 } });
    await link.updateToxic('thinner', { attributes: { rate: 0 } });
    await link.removeAllToxics();
    expect(told).toEqual([
      'downstream 16384',
      'upstream 8192',
      'downstream 8192',
      'upstream unlimited',
      'downstream 16384',
      'downstream unlimited',
    ]);
  });

  it('refuses what the kernel cannot do here, telling it nothing', async () => {
    const { link, told } = await startedLink();
    told.length = 0;
    const refused = [
      { type: 'latency', attributes: { latency: 50 } },
      { type: 'blackhole', stream: 'downstream' },
      { type: 'bandwidth', toxicity: 0.5, attributes: { rate: 8 } },
      { type: 'reset_peer' },
    ];
    for (const toxic of refused) await expect(link.addToxic(toxic)).rejects.toBeInstanceOf(BadToxicError);
    expect(told).toEqual([]);
    expect(link.toxics()).toEqual([]);
  });

  it('undoes a change the kernel refuses: the toxic is not kept and the kernel is told the state before', async () => {
    const { link, told, refuseNextRate } = await startedLink();
    await link.addToxic({ name: 'cut', type: 'blackhole', stream: 'both' });
    told.length = 0;
    refuseNextRate();
    const failed = link.addToxic({ name: 'thin', type: 'bandwidth', attributes: { rate: 16 } });
    await expect(failed).rejects.toBeInstanceOf(KernelCommandError);
    await expect(failed).rejects.toMatchObject({ code: 'KernelCommandFailed', status: 500 });
    expect(link.toxics().map(({ name }) => name)).toEqual(['cut']);
    // Told everything again, since what the kernel holds after a refusal is not known.
    expect(told).toEqual(['down', 'upstream unlimited', 'downstream unlimited']);
  });

  it('is driven through the links API like a proxy, and exports its bytes but no connection figures', async () => {
    const { link, told } = await startedLink();
    const { call, url } = await startTestApi([link]);
    told.length = 0;
    const added = await call('POST', '/proxies/westeurope-net/toxics', { type: 'blackhole', stream: 'both' });
    expect(added).toEqual({
      status: 200,
      body: { name: 'blackhole_both', type: 'blackhole', stream: 'both', toxicity: 1, attributes: {} },
    });
    expect(told).toEqual(['down']);
    const refused = await call('POST', '/proxies/westeurope-net/toxics', { type: 'latency' });
    expect(refused.status).toBe(400);
    expect((await call('GET', '/proxies')).body['westeurope-net']).toMatchObject({ kernel: PAIR });
    expect((await call('POST', '/reset')).status).toBe(204);
    expect(told).toEqual(['down', 'up']);

    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toContain('vaultover_link_bytes_total{link="westeurope-net",direction="upstream"} 300');
    expect(metrics).toContain(
      'vaultover_link_bytes_total{link="westeurope-net",direction="downstream"} 4000',
    );
    expect(metrics).not.toContain('vaultover_link_active_connections{link="westeurope-net"}');
  });
});
