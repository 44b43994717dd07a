import { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { DEFAULT_TENANT_ID } from '@vaultover/auth';
import { credentialFor, type RawRequest, rawRequest } from './clients.ts';
import type { TestRegion } from './region.ts';

/** Any well-formed subscription id: a region plays the one subscription its vaults belong to. */
export const SUBSCRIPTION = '11111111-2222-3333-4444-555555555555';
export const TENANT = DEFAULT_TENANT_ID;
export const ARM_API = 'api-version=2025-05-01';

/**
 * The real KeyVaultManagementClient of `@azure/arm-keyvault`, pointed at a region node (`endpoint`),
 * trusting only the region's CA. Its pipeline sends the bearer token directly (ARM clients have no
 * challenge step) for `credentials.scopes`; Vaultover's credential ignores scopes. Retries are off so
 * that an unexpected 5xx fails the test at once.
 */
export function armClient(region: TestRegion, principal: string): KeyVaultManagementClient {
  return new KeyVaultManagementClient(credentialFor(region, principal), SUBSCRIPTION, {
    endpoint: region.url,
    credentials: { scopes: ['https://management.azure.com/.default'] },
    tlsOptions: { ca: region.ca },
    retryOptions: { maxRetries: 0 },
  });
}

/** `/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.KeyVault/vaults/<name>?api-version=…`. */
export function vaultPath(resourceGroup: string, name: string, query = ARM_API): string {
  return `/subscriptions/${SUBSCRIPTION}/resourceGroups/${resourceGroup}/providers/Microsoft.KeyVault/vaults/${name}?${query}`;
}

/** `/subscriptions/<id>/providers/Microsoft.KeyVault/<rest>` with the api-version. */
export function providerPath(rest: string, query = ARM_API): string {
  return `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.KeyVault/${rest}?${query}`;
}

/** A PUT body that creates a vault, with `properties` overrides. */
export function vaultBody(properties: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return {
    location: 'testregion',
    properties: { tenantId: TENANT, sku: { family: 'A', name: 'standard' }, ...properties },
    ...extra,
  };
}

/** One raw ARM request as `principal` (default admin). */
export function arm(region: TestRegion, request: RawRequest) {
  return rawRequest(region, { principal: 'admin', ...request });
}
