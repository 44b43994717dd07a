import type { Registry } from 'prom-client';
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

/** Current value of `vaultover_gateway_requests_total` for one region and outcome. */
export async function requestCount(registry: Registry, region: string, outcome: string): Promise<number> {
  const metric = registry.getSingleMetric('vaultover_gateway_requests_total');
  const values = (await metric?.get())?.values ?? [];
  return values.find((v) => v.labels.region === region && v.labels.outcome === outcome)?.value ?? 0;
}

/** Requests held right now by a `hang` window. */
export async function heldCount(registry: Registry): Promise<number> {
  const metric = registry.getSingleMetric('vaultover_gateway_held_requests');
  return (await metric?.get())?.values[0]?.value ?? 0;
}
