import type { DeletedKey, KeyVersion, RotationPolicy, VaultProperties } from '@vaultover/vault';
import { dropUndefined, wireAttributes } from './attributes.ts';

// JSON shapes of the keys API (KeyBundle, KeyItem, DeletedKeyBundle, DeletedKeyItem, KeyRotationPolicy).
// Built field by field from the public parts of a key: a stored document also holds the sealed private
// key, and nothing here may pass it on.

/** The public JWK with its `kid` (always versioned). */
export function keyJwk(base: string, key: KeyVersion) {
  const { doc } = key;
  return {
    kid: `${base}/keys/${key.name}/${key.version}`,
    kty: doc.kty,
    key_ops: doc.keyOps,
    ...('crv' in doc.publicJwk
      ? { crv: doc.publicJwk.crv, x: doc.publicJwk.x, y: doc.publicJwk.y }
      : { n: doc.publicJwk.n, e: doc.publicJwk.e }),
  };
}

// `exportable` is in every key's attributes, `false` unless set: the real service's recorded bundles,
// deleted bundles and list items all carry it (azure-sdk-for-js keyvault-keys recordings, api-version 7.4).
function keyAttributes(vault: VaultProperties, key: KeyVersion) {
  return { ...wireAttributes(key.doc.attributes, vault), exportable: key.doc.exportable ?? false };
}

export function keyBundle(base: string, vault: VaultProperties, key: KeyVersion) {
  return dropUndefined({
    key: keyJwk(base, key),
    attributes: keyAttributes(vault, key),
    tags: key.doc.tags,
    managed: key.doc.managed,
    release_policy: key.doc.releasePolicy,
  });
}

/** KeyItem of a list: the field is `kid` (not `id`); versionless unless listing versions. */
export function keyItem(base: string, vault: VaultProperties, key: KeyVersion, withVersion = false) {
  return dropUndefined({
    kid: `${base}/keys/${key.name}${withVersion ? `/${key.version}` : ''}`,
    attributes: keyAttributes(vault, key),
    tags: key.doc.tags,
    managed: key.doc.managed,
  });
}

function deletion(base: string, key: DeletedKey) {
  return {
    recoveryId: `${base}/deletedkeys/${key.name}`,
    deletedDate: key.deletion.deletedDate,
    scheduledPurgeDate: key.deletion.scheduledPurgeDate,
  };
}

export function deletedKeyBundle(base: string, vault: VaultProperties, key: DeletedKey) {
  return { ...deletion(base, key), ...keyBundle(base, vault, key) };
}

export function deletedKeyItem(base: string, vault: VaultProperties, key: DeletedKey) {
  return { ...deletion(base, key), ...keyItem(base, vault, key) };
}

export function rotationPolicyBody(base: string, name: string, policy: RotationPolicy) {
  return {
    id: `${base}/keys/${name}/rotationpolicy`,
    lifetimeActions: policy.lifetimeActions,
    attributes: dropUndefined({
      expiryTime: policy.expiryTime,
      created: policy.created,
      updated: policy.updated,
    }),
  };
}

/** Result of encrypt/decrypt/wrapkey/unwrapkey/sign: the versioned kid that did it and the bytes. */
export function operationResult(base: string, name: string, version: string, value: Buffer) {
  return { kid: `${base}/keys/${name}/${version}`, value: value.toString('base64url') };
}
