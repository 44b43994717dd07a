import type { Registry } from '@vaultover/foundation/metrics';
import type { TestRegion } from '../support/region.ts';

/** The region as the test helpers see it, but reached through the gateway on `port`. */
export function throughGateway(region: TestRegion, port: number): TestRegion {
  return {
    ...region,
    port,
    url: `https://localhost:${port}`,
    vaultUrl: (vault) => `https://${vault}.localhost:${port}`,
  };
}

/** Current value of `vaultover_gateway_connections_total` for one region and outcome. */
export async function connectionCount(registry: Registry, region: string, outcome: string): Promise<number> {
  const metric = registry.getSingleMetric('vaultover_gateway_connections_total');
  const values = (await metric?.get())?.values ?? [];
  return values.find((v) => v.labels.region === region && v.labels.outcome === outcome)?.value ?? 0;
}

/** Connections held right now by a `hang` window. */
export async function heldCount(registry: Registry): Promise<number> {
  const metric = registry.getSingleMetric('vaultover_gateway_held_connections');
  return (await metric?.get())?.values[0]?.value ?? 0;
}

/** Relayed connections closed because the route moved to another epoch. */
export async function closedOnChange(registry: Registry): Promise<number> {
  const metric = registry.getSingleMetric('vaultover_gateway_connections_closed_on_change_total');
  return (await metric?.get())?.values[0]?.value ?? 0;
}
