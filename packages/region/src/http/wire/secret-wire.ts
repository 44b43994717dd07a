import type { DeletedSecret, SecretVersion, VaultProperties } from '@vaultover/vault';
import { apiVersionAtLeast } from '../api-version.ts';
import { dropUndefined, wireAttributes } from './attributes.ts';

// JSON shapes of the secrets API (SecretBundle, SecretItem, DeletedSecretBundle, DeletedSecretItem).

/** The request a bundle answers: its origin (ids are built on it) and its api-version. */
export interface BundleRequest {
  readonly base: string;
  readonly apiVersion: string;
}

/** SecretBundle; `value` only for get/set. */
export function secretBundle(
  request: BundleRequest,
  vault: VaultProperties,
  secret: SecretVersion,
  value?: string,
) {
  const { doc } = secret;
  const { base } = request;
  return dropUndefined({
    value,
    id: `${base}/secrets/${secret.name}/${secret.version}`,
    contentType: doc.contentType,
    attributes: wireAttributes(doc.attributes, vault),
    tags: doc.tags,
    // A certificate's managed secret stores its key's path; the id is on the request's own origin.
    kid: doc.kid === undefined ? undefined : new URL(doc.kid, base).href,
    managed: doc.managed,
    // A 2025-07-01 field: older api-versions never show it.
    previousVersion: apiVersionAtLeast(request.apiVersion, '2025-07-01') ? doc.previousVersion : undefined,
  });
}

/** SecretItem of a list: `id` without version, unless listing versions. */
export function secretItem(base: string, vault: VaultProperties, secret: SecretVersion, withVersion = false) {
  const { doc } = secret;
  return dropUndefined({
    id: `${base}/secrets/${secret.name}${withVersion ? `/${secret.version}` : ''}`,
    attributes: wireAttributes(doc.attributes, vault),
    tags: doc.tags,
    contentType: doc.contentType,
    managed: doc.managed,
  });
}

function deletion(base: string, secret: DeletedSecret) {
  return {
    recoveryId: `${base}/deletedsecrets/${secret.name}`,
    deletedDate: secret.deletion.deletedDate,
    scheduledPurgeDate: secret.deletion.scheduledPurgeDate,
  };
}

export function deletedSecretBundle(request: BundleRequest, vault: VaultProperties, secret: DeletedSecret) {
  return { ...deletion(request.base, secret), ...secretBundle(request, vault, secret) };
}

export function deletedSecretItem(base: string, vault: VaultProperties, secret: DeletedSecret) {
  return { ...deletion(base, secret), ...secretItem(base, vault, secret) };
}
