import type { z } from 'zod';

interface Checked {
  regions: { name: string; role: string }[];
  vaults: { name: string }[];
  defaultVault?: string | undefined;
  redis: { mode: string; urls?: Record<string, string> | undefined };
}

type Context = z.RefinementCtx<Checked>;

/** Rules that span fields, reported on the field a user would fix. */
export function checkCrossFields(config: Checked, ctx: Context): void {
  checkRegions(config, ctx);
  checkVaults(config, ctx);
  checkRedis(config, ctx);
}

function checkRegions({ regions }: Checked, ctx: Context): void {
  // A later issue adds the secondary region; until then only a lone primary makes sense.
  if (regions.length !== 1) {
    ctx.addIssue({
      code: 'custom',
      path: ['regions'],
      message: `expected exactly one region (the primary) for now, got ${regions.length}`,
    });
    return;
  }
  const role = regions[0]?.role;
  if (role !== 'primary') {
    ctx.addIssue({
      code: 'custom',
      path: ['regions', 0, 'role'],
      message: `expected "primary" (the only region must be the primary), got "${role}"`,
    });
  }
}

function checkVaults({ vaults, defaultVault }: Checked, ctx: Context): void {
  const seen = new Set<string>();
  vaults.forEach(({ name }, index) => {
    if (seen.has(name)) {
      ctx.addIssue({ code: 'custom', path: ['vaults', index, 'name'], message: `duplicate vault "${name}"` });
    }
    seen.add(name);
  });
  if (defaultVault !== undefined && !seen.has(defaultVault)) {
    ctx.addIssue({
      code: 'custom',
      path: ['defaultVault'],
      message: `"${defaultVault}" is not one of the vaults (${[...seen].join(', ')})`,
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
        message: `expected a URL for region ${name}`,
      });
    }
  }
}
