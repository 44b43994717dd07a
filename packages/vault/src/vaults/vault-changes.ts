import { DEFAULT_RETENTION_DAYS, type VaultDefaults, type VaultProperties } from './vault-doc.ts';
import { badVaultProperty, locationNotAvailable, retentionImmutable } from './vault-errors.ts';
import type { VaultInput } from './vault-input.ts';
import type { VaultRequest } from './vault-request.ts';

// The real service's rules for what a request may set, as pure functions from request to properties.

/** The properties of a vault created by a PUT (location, tenant and sku already checked). */
export function newVaultProperties(
  request: VaultRequest,
  name: string,
  input: VaultInput,
  defaults: VaultDefaults,
  now: number,
): VaultProperties {
  return {
    name,
    retentionDays: input.retentionDays ?? DEFAULT_RETENTION_DAYS,
    purgeProtection: input.purgeProtection === true,
    created: now,
    updated: now,
    location: defaults.location,
    resourceGroup: request.resourceGroup,
    tenantId: defaults.tenantId,
    sku: input.sku ?? 'standard',
    rbacAuthorization: input.rbacAuthorization ?? true,
    tags: input.tags ?? {},
    createdBy: request.principal,
    updatedBy: request.principal,
  };
}

/**
 * The properties after a PUT (`replace`: tags are replaced) or a PATCH (only what is given changes).
 * The retention cannot change and purge protection cannot be turned off.
 */
export function updatedVaultProperties(
  current: VaultProperties,
  input: VaultInput,
  request: VaultRequest,
  defaults: VaultDefaults,
  change: { now: number; replace: boolean },
): VaultProperties {
  if (input.retentionDays !== undefined && input.retentionDays !== current.retentionDays) {
    throw retentionImmutable();
  }
  if (input.tenantId !== undefined) requireTenant(input.tenantId, defaults);
  return {
    ...current,
    sku: input.sku ?? current.sku,
    tags: input.tags ?? (change.replace ? {} : current.tags),
    rbacAuthorization: input.rbacAuthorization ?? current.rbacAuthorization,
    purgeProtection: current.purgeProtection || input.purgeProtection === true,
    updated: change.now,
    updatedBy: request.principal,
  };
}

/** What a PUT must carry: the deployment's tenant and a sku (required by the real API too). */
export function requireCreateFields(input: VaultInput, defaults: VaultDefaults): void {
  if (input.tenantId === undefined) throw badVaultProperty('The property "properties.tenantId" is required.');
  requireTenant(input.tenantId, defaults);
  if (input.sku === undefined) throw badVaultProperty('The property "properties.sku" is required.');
}

/** The region's name is the only location its vaults can have. */
export function requireRegion(location: string, defaults: VaultDefaults): void {
  if (location !== defaults.location) throw locationNotAvailable(location, defaults.location);
}

function requireTenant(tenantId: string, defaults: VaultDefaults): void {
  if (tenantId.toLowerCase() !== defaults.tenantId.toLowerCase()) {
    throw badVaultProperty(
      `The tenant '${tenantId.slice(0, 60)}' is not the tenant of this deployment; use '${defaults.tenantId}'.`,
    );
  }
}
