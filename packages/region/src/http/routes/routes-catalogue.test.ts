import type { Authenticator } from '@vaultover/auth';
import { Authorizer } from '@vaultover/auth';
import { VaultHostResolver } from '@vaultover/tls';
import { findOperation, OPERATIONS } from '@vaultover/vault';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { NO_FAULTS } from '../../faults/fault-injector.ts';
import { ModeGate } from '../../mode/mode-gate.ts';
import { RegionMetrics } from '../../region-metrics.ts';
import { createApp, type InfraRoute } from '../app.ts';
import type { DataRoute } from '../data-route.ts';
import { type ArmRoute, routeOperations } from '../management/arm-route.ts';
import { vaultRoutes } from '../management/vault-routes.ts';
import { certificateRoutes } from './certificate-routes.ts';
import { certificateSettingRoutes } from './certificate-setting-routes.ts';
import { keyCryptoRoutes } from './key-crypto-routes.ts';
import { keyRoutes } from './key-routes.ts';
import { secretRoutes } from './secret-routes.ts';

// Every route the server serves must be a catalogue operation or a declared infrastructure route,
// so that nothing can bypass the read-only gate, the metrics or fault rules that key on operations.
const dataRoutes: DataRoute[] = [
  ...secretRoutes({} as never),
  ...keyRoutes({} as never, {} as never),
  ...keyCryptoRoutes({} as never),
  ...certificateSettingRoutes({} as never, {} as never),
  ...certificateRoutes({} as never, {} as never),
];
const managementRoutes: ArmRoute[] = vaultRoutes({} as never);
const infra: InfraRoute[] = ['/health', '/metrics', '/admin/time'].map((path) => ({
  method: 'GET' as const,
  path,
  handle: () => {},
}));

async function servedRoutes(): Promise<{ method: string; path: string }[]> {
  const app = createApp({
    region: 'test',
    tenantId: 't',
    dataRoutes,
    infraRoutes: infra,
    managementRoutes,
    vaults: {} as never,
    hosts: new VaultHostResolver('vaultover'),
    authenticator: {} as Authenticator,
    authorizer: new Authorizer({}),
    metrics: new RegionMetrics('test'),
    logger: pino({ level: 'silent' }),
    serviceVersion: 'test',
    gate: new ModeGate({ region: 'test', role: 'primary' }),
    faults: NO_FAULTS,
  });
  const stack = (
    (await app.express()) as unknown as {
      router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
    }
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
  it('serves every data route under its catalogue operation and nothing undeclared', async () => {
    const served = await servedRoutes();
    const declared = new Set([
      ...dataRoutes.map((r) => `${r.method} ${r.path}`),
      ...managementRoutes.map((r) => `${r.method} ${r.path}`),
      ...infra.map((r) => `${r.method} ${r.path}`),
    ]);
    expect(served.length).toBe(dataRoutes.length + infra.length + managementRoutes.length);
    for (const route of served)
      expect(declared, `${route.method} ${route.path}`).toContain(`${route.method} ${route.path}`);
    for (const route of dataRoutes) expect(findOperation(route.operation), route.operation).toBeDefined();
  });

  it('gives every secrets operation of the catalogue a route', () => {
    const routed = new Set(dataRoutes.map((r) => r.operation).filter((name) => name.startsWith('Secret')));
    const secretOperations = OPERATIONS.filter((o) => o.name.startsWith('Secret')).map((o) => o.name);
    expect([...routed].sort()).toEqual([...secretOperations].sort());
  });

  it('gives every key operation of the catalogue, and RandomBytesGet, a route', () => {
    const isKeys = (name: string) => name.startsWith('Key') || name === 'RandomBytesGet';
    const routed = new Set(dataRoutes.map((r) => r.operation).filter(isKeys));
    const keyOperations = OPERATIONS.filter((o) => isKeys(o.name)).map((o) => o.name);
    expect(keyOperations.length).toBeGreaterThanOrEqual(23);
    expect([...routed].sort()).toEqual([...keyOperations].sort());
  });

  it('serves each data path and method once, literal segments before parameters', () => {
    const keys = dataRoutes.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    const index = (method: string, path: string) => keys.indexOf(`${method} ${path}`);
    expect(index('POST', '/keys/restore')).toBeLessThan(index('POST', '/keys/:name/create'));
    expect(index('GET', '/keys/:name/versions')).toBeLessThan(index('GET', '/keys/:name{/:version}'));
    expect(index('GET', '/keys/:name/rotationpolicy')).toBeLessThan(index('GET', '/keys/:name{/:version}'));
    expect(index('PUT', '/keys/:name/rotationpolicy')).toBeGreaterThanOrEqual(0);
  });

  it('gives every certificate operation of the catalogue a route, literal segments first', () => {
    const isCertificates = (name: string) => name.startsWith('Certificate');
    const routed = dataRoutes.map((r) => r.operation).filter(isCertificates);
    const certificateOperations = OPERATIONS.filter((o) => isCertificates(o.name)).map((o) => o.name);
    expect(certificateOperations.length).toBeGreaterThanOrEqual(17);
    expect([...new Set(routed)].sort()).toEqual([...certificateOperations].sort());
    const keys = dataRoutes.map((r) => `${r.method} ${r.path}`);
    const index = (method: string, path: string) => keys.indexOf(`${method} ${path}`);
    const get = index('GET', '/certificates/:name{/:version}');
    for (const literal of ['versions', 'policy', 'pending'])
      expect(index('GET', `/certificates/:name/${literal}`), literal).toBeLessThan(get);
    expect(index('PATCH', '/certificates/:name/policy')).toBeLessThan(
      index('PATCH', '/certificates/:name{/:version}'),
    );
    expect(index('DELETE', '/certificates/:name/pending')).toBeLessThan(
      index('DELETE', '/certificates/:name'),
    );
    expect(index('POST', '/certificates/restore')).toBeLessThan(index('POST', '/certificates/:name/create'));
    for (const action of ['create', 'import', 'backup'])
      expect(index('POST', `/certificates/:name/${action}`), action).toBeGreaterThanOrEqual(0);
    // Issuers and contacts before the routes that would take their paths as a certificate's name.
    for (const method of ['GET', 'PATCH'])
      expect(index(method, '/certificates/issuers/:name'), method).toBeLessThan(
        index(method, '/certificates/:name{/:version}'),
      );
    expect(index('GET', '/certificates/contacts')).toBeLessThan(get);
    expect(index('DELETE', '/certificates/contacts')).toBeLessThan(index('DELETE', '/certificates/:name'));
    expect(index('DELETE', '/certificates/issuers/:name')).toBeGreaterThanOrEqual(0);
  });
});

describe('management route catalogue', () => {
  it('gives every vault operation of the catalogue a route, and routes only management operations', () => {
    const routed = managementRoutes.flatMap(routeOperations);
    for (const name of routed) expect(findOperation(name)?.plane, name).toBe('management');
    const vaultOperations = OPERATIONS.filter((o) => o.plane === 'management').map((o) => o.name);
    expect([...new Set(routed)].sort()).toEqual([...vaultOperations].sort());
  });

  it('serves each management path and method once', () => {
    const keys = managementRoutes.map((r) => `${r.method} ${r.path.toLowerCase()}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
