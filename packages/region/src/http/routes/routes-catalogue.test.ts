import { findOperation, OPERATIONS } from '@vaultover/vault';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { Authorizer } from '../../access/authorizer.ts';
import { RegionMetrics } from '../../region-metrics.ts';
import { type Authenticator, createApp, type InfraRoute } from '../app.ts';
import type { DataRoute } from '../data-route.ts';
import { VaultHostResolver } from '../vault-host.ts';
import { secretRoutes } from './secret-routes.ts';

// Every route the server serves must be a catalogue operation or a declared infrastructure route,
// so that nothing can bypass the read-only gate, the metrics or fault rules that key on operations.
const dataRoutes: DataRoute[] = secretRoutes({} as never);
const infra: InfraRoute[] = ['/health', '/metrics', '/admin/time'].map((path) => ({
  method: 'GET' as const,
  path,
  handle: () => {},
}));

function servedRoutes(): { method: string; path: string }[] {
  const app = createApp({
    region: 'test',
    tenantId: 't',
    dataRoutes,
    infraRoutes: infra,
    vaults: {} as never,
    hosts: new VaultHostResolver('vaultover'),
    authenticator: {} as Authenticator,
    authorizer: new Authorizer({}),
    metrics: new RegionMetrics('test'),
    logger: pino({ level: 'silent' }),
    serviceVersion: 'test',
  });
  const stack = (
    app as unknown as { router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] } }
  ).router.stack;
  return stack
    .filter((layer) => layer.route)
    .flatMap((layer) =>
      Object.keys(layer.route?.methods ?? {}).map((method) => ({
        method: method.toUpperCase(),
        path: layer.route?.path ?? '',
      })),
    );
}

describe('route catalogue', () => {
  it('serves every data route under its catalogue operation and nothing undeclared', () => {
    const served = servedRoutes();
    const declared = new Set([
      ...dataRoutes.map((r) => `${r.method} ${r.path}`),
      ...infra.map((r) => `${r.method} ${r.path}`),
    ]);
    expect(served.length).toBe(dataRoutes.length + infra.length);
    for (const route of served)
      expect(declared, `${route.method} ${route.path}`).toContain(`${route.method} ${route.path}`);
    for (const route of dataRoutes) expect(findOperation(route.operation), route.operation).toBeDefined();
  });

  it('gives every secrets operation of the catalogue a route', () => {
    const routed = new Set(dataRoutes.map((r) => r.operation));
    const secretOperations = OPERATIONS.filter((o) => o.name.startsWith('Secret')).map((o) => o.name);
    expect([...routed].sort()).toEqual([...secretOperations].sort());
  });
});
