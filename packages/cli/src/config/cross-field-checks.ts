// The URL form alone: the config is read by light commands (`vaultover token`), which need no Redis client.
import { isClusterUrl } from '@vaultover/foundation/redis-url';
import type { z } from 'zod';
import { cut } from './format-issues.ts';

interface Checked {
  regions: { name: string; role: string; port: number }[];
  vaults: { name: string }[];
  defaultVault?: string | undefined;
  redis: { mode: string; urls?: Record<string, string> | undefined };
  control: { port: number; gatewayPort: number };
}

type Context = z.RefinementCtx<Checked>;

/** Rules that span fields, reported on the field a user would fix. */
export function checkCrossFields(config: Checked, ctx: Context): void {
  checkRegions(config, ctx);
  checkVaults(config, ctx);
  checkRedis(config, ctx);
  checkPorts(config, ctx);
}

/** Fixed ports must differ: two listeners on one port fail at start-up with a less helpful EADDRINUSE. */
function checkPorts({ regions, control }: Checked, ctx: Context): void {
  const owners = new Map<number, string>();
  const claim = (port: number, owner: string, path: (string | number)[]) => {
    if (port === 0) return;
    const other = owners.get(port);
    if (other !== undefined) {
      ctx.addIssue({ code: 'custom', path, message: `port ${port} is already ${cut(other)}'s` });
      return;
    }
    owners.set(port, owner);
  };
  regions.forEach(({ name, port }, index) => {
    claim(port, `region ${name}`, ['regions', index, 'port']);
  });
  claim(control.port, 'the control API', ['control', 'port']);
  claim(control.gatewayPort, 'the global endpoint', ['control', 'gatewayPort']);
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
  } else if (isClusterUrl(redis.urls.control)) {
    // Its scripts span the failover state, the lease and the events: keys of no common cluster slot.
    ctx.addIssue({
      code: 'custom',
      path: ['redis', 'urls', 'control'],
      message: 'expected one Redis server (redis://): the control Redis cannot be a cluster',
    });
  }
}
