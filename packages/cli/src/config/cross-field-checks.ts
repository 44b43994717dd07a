import { CLIENT_LINK_NAME as CLIENT_LINK } from '@vaultover/control/settings';
import type { z } from 'zod';
import { cut } from './format-issues.ts';

interface Placed {
  host?: string | undefined;
  netns?: string | undefined;
}

interface Checked {
  regions: ({ name: string; role: string; port: number } & Placed)[];
  vaults: { name: string }[];
  defaultVault?: string | undefined;
  redis: { mode: string; urls?: Record<string, string> | undefined };
  control: { port: number; gatewayPort: number } & Placed;
  links: { host?: string | undefined; kernel: Record<string, unknown> };
}

type Context = z.RefinementCtx<Checked>;

/** Rules that span fields, reported on the field a user would fix. */
export function checkCrossFields(config: Checked, ctx: Context): void {
  checkRegions(config, ctx);
  checkVaults(config, ctx);
  checkRedis(config, ctx);
  checkPorts(config, ctx);
  checkPlaces(config, ctx);
  checkKernelLinks(config, ctx);
}

/**
 * Fixed ports on one address must differ: two listeners on one port fail at start-up with a less helpful
 * EADDRINUSE. Listeners on different addresses (regions in network namespaces of their own) may share one.
 */
function checkPorts({ regions, control }: Checked, ctx: Context): void {
  const owners = new Map<string, string>();
  const claim = (host: string | undefined, port: number, owner: string, path: (string | number)[]) => {
    if (port === 0) return;
    const key = `${host ?? LOOPBACK}:${port}`;
    const other = owners.get(key);
    if (other !== undefined) {
      ctx.addIssue({ code: 'custom', path, message: `port ${port} is already ${cut(other)}'s` });
      return;
    }
    owners.set(key, owner);
  };
  regions.forEach(({ name, port, host }, index) => {
    claim(host, port, `region ${name}`, ['regions', index, 'port']);
  });
  claim(control.host, control.port, 'the control API', ['control', 'port']);
  claim(control.host, control.gatewayPort, 'the global endpoint', ['control', 'gatewayPort']);
}

const LOOPBACK = '127.0.0.1';

/**
 * A process in a network namespace of its own is reached at an address of that namespace, its Redis too:
 * the embedded Redis listens on loopback in vaultover up's namespace, where no other namespace reaches it.
 * A secondary there reaches the link proxy at `links.host`.
 */
function checkPlaces({ regions, control, redis, links }: Checked, ctx: Context): void {
  const places = [
    ...regions.map((region, index) => ({
      place: region,
      path: ['regions', index],
      what: `region ${region.name}`,
    })),
    { place: control, path: ['control'], what: 'the control process' },
  ];
  const namespaced = places.filter(({ place }) => place.netns !== undefined);
  for (const { place, path, what } of namespaced) {
    if (place.host !== undefined) continue;
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'host'],
      message: `required with netns: the address of namespace ${cut(place.netns ?? '')} that ${what} is reached at`,
    });
  }
  const [first] = namespaced;
  if (first && redis.mode !== 'external') {
    ctx.addIssue({
      code: 'custom',
      path: ['redis', 'mode'],
      message: `expected external (servers you run in the namespaces) while ${first.what} runs in network namespace ${cut(first.place.netns ?? '')}: an ${redis.mode} Redis is not reachable there`,
    });
  }
  const secondary = regions.find(({ role, netns }) => role === 'secondary' && netns !== undefined);
  if (secondary && links.host === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['links', 'host'],
      message: `required while region ${cut(secondary.name)} runs in a network namespace: the address its replicator reaches the link proxy at`,
    });
  }
}

/** A kernel link's name must not be taken by the link proxies or the client link. */
function checkKernelLinks({ regions, links }: Checked, ctx: Context): void {
  const primary = regions.find(({ role }) => role === 'primary')?.name;
  const taken = new Set([
    CLIENT_LINK,
    ...regions.filter(({ role }) => role === 'secondary').map(({ name }) => `${primary}-to-${name}`),
  ]);
  for (const name of Object.keys(links.kernel)) {
    if (taken.has(name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['links', 'kernel', name],
        message: `${cut(name)} is already the name of a link of the deployment`,
      });
    }
  }
}

function checkRegions({ regions }: Checked, ctx: Context): void {
  const seen = new Set<string>();
  regions.forEach(({ name }, index) => {
    if (seen.has(name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['regions', index, 'name'],
        message: `duplicate region ${cut(JSON.stringify(name))}`,
      });
    }
    // `control` names the control Redis beside the regions' (endpoints.json's redis map).
    if (name === 'control') {
      ctx.addIssue({ code: 'custom', path: ['regions', index, 'name'], message: '"control" is reserved' });
    }
    seen.add(name);
  });
  // Replication has one source: every secondary pulls from the one primary.
  const primaries = regions.filter(({ role }) => role === 'primary').map(({ name }) => name);
  if (primaries.length !== 1) {
    const found = primaries.length === 0 ? 'none' : `${primaries.length} (${primaries.join(', ')})`;
    ctx.addIssue({
      code: 'custom',
      path: ['regions'],
      message: `expected exactly one region with role "primary", got ${found}`,
    });
  }
}

function checkVaults({ vaults, defaultVault }: Checked, ctx: Context): void {
  const seen = new Set<string>();
  vaults.forEach(({ name }, index) => {
    if (seen.has(name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['vaults', index, 'name'],
        message: `duplicate vault ${cut(JSON.stringify(name))}`,
      });
    }
    seen.add(name);
  });
  if (defaultVault !== undefined && !seen.has(defaultVault)) {
    ctx.addIssue({
      code: 'custom',
      path: ['defaultVault'],
      message: `${cut(JSON.stringify(defaultVault))} is not one of the vaults (${cut([...seen].join(', '))})`,
    });
  }
}

function checkRedis({ redis, regions }: Checked, ctx: Context): void {
  if (redis.urls === undefined) return;
  if (redis.mode !== 'external') {
    ctx.addIssue({ code: 'custom', path: ['redis', 'urls'], message: 'only used with mode: external' });
    return;
  }
  for (const { name } of regions) {
    if (redis.urls[name] === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['redis', 'urls', name],
        message: `expected a URL for region ${cut(name)}`,
      });
    }
  }
  // The control Redis (failover state) is started beside the regions' and must come from somewhere too.
  if (redis.urls.control === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['redis', 'urls', 'control'],
      message: 'expected a URL for the control Redis',
    });
  }
}
