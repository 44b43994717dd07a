import { DEFAULT_PRINCIPALS, DEFAULT_TENANT_ID } from '@vaultover/auth';
import { KernelLink, LinkProxy, startControlApi } from '@vaultover/link-proxy';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type BareControl, startBareControl } from '../test-support/bare-control.ts';
import { runCliProcess } from '../test-support/cli-process.ts';
import { administratorAccess } from '../topology/administrator-access.ts';

// `vaultover link …` against a real control process (its global endpoint's client link, behind the
// control API's authentication) and a real replication link proxy with its own API behind the same
// administrators' tokens, as `vaultover up` runs them: the CLI finds each link where it lives, by name.
// A kernel link beside the proxy, on a kernel that only records what it is told (the real one:
// test/netns).

const REPLICATION = 'westeurope-to-northeurope';
const KERNEL = 'westeurope-net';
let bare: BareControl;
let proxy: LinkProxy;
let linksApi: Awaited<ReturnType<typeof startControlApi>>;
const kernelTold: string[] = [];
const kernelLink = new KernelLink({
  name: KERNEL,
  pair: { netns: 'vo-test-westeurope', device: 'eth0', peer: 'westeurope' },
  kernel: {
    setUp: async (up) => void kernelTold.push(up ? 'up' : 'down'),
    setRate: async (direction, rate) => void kernelTold.push(`${direction} ${rate ?? 'unlimited'}`),
    bytes: async () => ({ upstream: 0, downstream: 0 }),
  },
});

beforeAll(async () => {
  proxy = new LinkProxy({ name: REPLICATION, upstream: '127.0.0.1:1' });
  await proxy.start();
  await kernelLink.start();
  bare = await startBareControl('link-cli', async (dataDir) => {
    const access = await administratorAccess({
      dataDir,
      principals: DEFAULT_PRINCIPALS,
      tenantId: DEFAULT_TENANT_ID,
    });
    linksApi = await startControlApi([proxy, kernelLink], { access });
    return { links: { api: linksApi.url, proxies: { northeurope: REPLICATION } } };
  });
});

afterEach(async () => {
  proxy.removeAllToxics();
  await kernelLink.removeAllToxics();
});

afterAll(async () => {
  await linksApi?.close();
  await proxy?.close();
  await bare?.close();
});

const cli = (...args: string[]) => runCliProcess(['link', ...args, '--endpoints', bare.endpoints], bare.dir);

type Listing = Record<string, { enabled: boolean; toxics: { name: string }[] }>;
async function listing(): Promise<Listing> {
  const listed = await cli('list', '--json');
  expect(listed.code).toBe(0);
  return JSON.parse(listed.stdout) as Listing;
}

describe('vaultover link', () => {
  it('list shows the client link and the replication links, as a table or as JSON', async () => {
    const human = await cli('list');
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^NAME +CARRIES +LISTEN +UPSTREAM +ENABLED +TOXICS/);
    expect(human.stdout).toMatch(/global-endpoint +clients +127\.0\.0\.1:\d+/);
    expect(human.stdout).toMatch(
      new RegExp(`${REPLICATION} +replication +127\\.0\\.0\\.1:${proxy.listenPort}`),
    );
    expect(human.stdout).toMatch(
      new RegExp(`${KERNEL} +network +veth westeurope +vo-test-westeurope: eth0 +yes`),
    );
    expect(Object.keys(await listing())).toEqual(['global-endpoint', REPLICATION, KERNEL]);
  });

  it('drives a kernel link with the same commands, which says what the kernel cannot do here', async () => {
    kernelTold.length = 0;
    const cut = await cli(KERNEL, 'toxic', 'add', 'blackhole', '--stream', 'both', '--name', 'cut');
    expect(cut.code).toBe(0);
    expect(cut.stdout).toBe(`added to ${KERNEL}: cut: blackhole both\n`);
    expect(kernelTold).toEqual(['down']);
    const latency = await cli(KERNEL, 'toxic', 'add', 'latency', '--latency', '50');
    expect(latency.code).toBe(1);
    expect(latency.stderr).toContain(
      'link toxic add refused: a kernel link takes blackhole and bandwidth, not latency',
    );
  });

  it('toxic add sends each flag as the field it names, on the link that owns the name', async () => {
    const added = await cli(
      'global-endpoint',
      'toxic',
      'add',
      'latency',
      '--name',
      'lag',
      '--stream',
      'both',
      '--toxicity',
      '0.5',
      '--latency',
      '200',
      '--jitter',
      '50',
      '--json',
    );
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toEqual({
      name: 'lag',
      type: 'latency',
      stream: 'both',
      toxicity: 0.5,
      attributes: { latency: 200, jitter: 50 },
    });
    const human = await cli(REPLICATION, 'toxic', 'add', 'bandwidth', '--rate', '64');
    expect(human.code).toBe(0);
    expect(human.stdout).toBe(`added to ${REPLICATION}: bandwidth_downstream: bandwidth 64KB/s downstream\n`);
    expect(proxy.toxics().map((toxic) => toxic.name)).toEqual(['bandwidth_downstream']);
    const listed = await listing();
    expect(listed['global-endpoint']?.toxics.map((toxic) => toxic.name)).toEqual(['lag']);

    expect((await cli('global-endpoint', 'toxic', 'rm', 'lag')).code).toBe(0);
    expect((await cli(REPLICATION, 'toxic', 'rm', '--all')).code).toBe(0);
    expect(proxy.toxics()).toEqual([]);
    expect((await listing())['global-endpoint']?.toxics).toEqual([]);
  });

  it("refusals exit 1 with the API's reason; flags that do not fit exit 2", async () => {
    const missing = await cli('global-endpoint', 'toxic', 'rm', 'nothing');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('link toxic rm refused: toxic not found: nothing');
    const badRange = await cli('global-endpoint', 'toxic', 'add', 'latency', '--toxicity', '2');
    expect(badRange.code).toBe(1);
    expect(badRange.stderr).toContain('toxicity must be a number from 0 to 1');
    const unknownLink = await cli('nowhere', 'toxic', 'add', 'blackhole');
    expect(unknownLink.code).toBe(1);
    expect(unknownLink.stderr).toContain(
      `no link is named nowhere; links: global-endpoint, ${REPLICATION}, ${KERNEL}`,
    );
    const wrongFlag = await cli('global-endpoint', 'toxic', 'add', 'latency', '--rate', '5');
    expect(wrongFlag.code).toBe(2);
    expect(wrongFlag.stderr).toContain(
      '--rate does not apply to a latency toxic (it takes --latency, --jitter)',
    );
    expect((await cli('global-endpoint', 'toxic', 'add', 'slicer')).code).toBe(2);
    expect((await cli('global-endpoint', 'toxic', 'frobnicate')).code).toBe(2);
    expect((await cli('global-endpoint', 'toxic', 'rm')).code).toBe(2);
  });

  it('disable and enable a link', async () => {
    expect((await cli('global-endpoint', 'disable')).code).toBe(0);
    expect((await listing())['global-endpoint']?.enabled).toBe(false);
    expect((await cli('global-endpoint', 'enable')).code).toBe(0);
    expect((await listing())['global-endpoint']?.enabled).toBe(true);
  });

  it("drives the replication link with the administrator's token, which the links API requires", async () => {
    const anonymous = await fetch(`${linksApi.url}/proxies/${REPLICATION}`, {
      method: 'POST',
      body: JSON.stringify({ enabled: false }),
    });
    expect(anonymous.status).toBe(401);
    expect(proxy.enabled).toBe(true);
    expect((await cli(REPLICATION, 'disable')).code).toBe(0);
    expect(proxy.enabled).toBe(false);
    expect((await cli(REPLICATION, 'enable')).code).toBe(0);
    expect(proxy.enabled).toBe(true);
  });
});
