import { type AttestationVerifier, type KeyStore, operationNotSpecified } from '@vaultover/vault';
import { type DataRoute, noContent, ok, type RequestContext } from '../data-route.ts';
import { listPage } from '../paging.ts';
import { keyReleaseResult, type ReleaseSigner } from '../wire/key-release-wire.ts';
import {
  deletedKeyBundle,
  deletedKeyItem,
  keyBundle,
  keyItem,
  rotationPolicyBody,
} from '../wire/key-wire.ts';

/** What a key release needs besides the store: who checks attestation tokens, who signs the result. */
export interface KeyReleaseDeps {
  verifier: AttestationVerifier;
  signer: ReleaseSigner;
}

const name = (context: RequestContext) => context.params.name ?? '';

/**
 * The keys lifecycle REST API (docs/vault-api.md#keys); cryptography is in key-crypto-routes.ts.
 * Order matters: literal segments before parameters (`/keys/restore`, `/keys/{n}/versions`,
 * `/keys/{n}/rotationpolicy` before `/keys/{n}/{version}`).
 */
export function keyRoutes(keys: KeyStore, release: KeyReleaseDeps): DataRoute[] {
  return [
    {
      method: 'POST',
      path: '/keys/:name{/:version}/release',
      operation: 'KeyRelease',
      hasBody: true,
      handle: async (c) => {
        const released = await keys.release(
          c.vault.name,
          name(c),
          c.params.version,
          c.body,
          release.verifier,
        );
        const kid = `${c.base}/keys/${name(c)}${c.params.version ? `/${c.params.version}` : ''}`;
        return ok(await keyReleaseResult(release.signer, c.base, c.vault, kid, c.apiVersion, released));
      },
    },
    {
      method: 'POST',
      path: '/keys/restore',
      operation: 'KeyRestore',
      hasBody: true,
      handle: async (c) => ok(keyBundle(c.base, c.vault, await keys.restore(c.vault.name, c.body))),
    },
    {
      method: 'GET',
      path: '/keys',
      operation: 'KeyList',
      handle: async (c) =>
        ok(
          await listPage(
            c,
            '/keys',
            (request) => keys.list(c.vault.name, request),
            (k) => keyItem(c.base, c.vault, k),
          ),
        ),
    },
    {
      method: 'GET',
      path: '/keys/:name/versions',
      operation: 'KeyListVersions',
      handle: async (c) =>
        ok(
          await listPage(
            c,
            `/keys/${name(c)}/versions`,
            (request) => keys.listVersions(c.vault.name, name(c), request),
            (k) => keyItem(c.base, c.vault, k, true),
          ),
        ),
    },
    {
      method: 'POST',
      path: '/keys/:name/create',
      operation: 'KeyCreate',
      hasBody: true,
      handle: async (c) => ok(keyBundle(c.base, c.vault, await keys.create(c.vault.name, name(c), c.body))),
    },
    {
      method: 'POST',
      path: '/keys/:name/backup',
      operation: 'KeyBackup',
      handle: async (c) => ok({ value: (await keys.backup(c.vault.name, name(c))).toString('base64url') }),
    },
    {
      method: 'POST',
      path: '/keys/:name/rotate',
      operation: 'KeyRotate',
      handle: async (c) => ok(keyBundle(c.base, c.vault, await keys.rotate(c.vault.name, name(c)))),
    },
    {
      method: 'GET',
      path: '/keys/:name/rotationpolicy',
      operation: 'KeyRotationPolicyGet',
      handle: async (c) =>
        ok(rotationPolicyBody(c.base, name(c), await keys.rotationPolicy(c.vault.name, name(c)))),
    },
    {
      method: 'PUT',
      path: '/keys/:name/rotationpolicy',
      operation: 'KeyRotationPolicySet',
      hasBody: true,
      handle: async (c) =>
        ok(rotationPolicyBody(c.base, name(c), await keys.setRotationPolicy(c.vault.name, name(c), c.body))),
    },
    {
      method: 'PUT',
      path: '/keys/:name',
      operation: 'KeyImport',
      hasBody: true,
      handle: async (c) => ok(keyBundle(c.base, c.vault, await keys.import(c.vault.name, name(c), c.body))),
    },
    {
      method: 'GET',
      path: '/keys/:name{/:version}',
      operation: 'KeyGet',
      handle: async (c) =>
        ok(keyBundle(c.base, c.vault, await keys.get(c.vault.name, name(c), c.params.version))),
    },
    {
      method: 'PATCH',
      path: '/keys/:name{/:version}',
      operation: 'KeyUpdate',
      hasBody: true,
      handle: async (c) =>
        ok(keyBundle(c.base, c.vault, await keys.update(c.vault.name, name(c), c.params.version, c.body))),
    },
    // A POST that names a key but no operation: `POST /keys//create` (an SDK's create of an empty
    // name) arrives here as `/keys/create`, and the real service answers it so (key-errors.ts).
    {
      method: 'POST',
      path: '/keys/:name',
      operation: 'KeyCreate',
      hasBody: true,
      handle: () => Promise.reject(operationNotSpecified()),
    },
    {
      method: 'DELETE',
      path: '/keys/:name',
      operation: 'KeyDelete',
      handle: async (c) => ok(deletedKeyBundle(c.base, c.vault, await keys.delete(c.vault.name, name(c)))),
    },
    {
      method: 'GET',
      path: '/deletedkeys',
      operation: 'KeyListDeleted',
      handle: async (c) =>
        ok(
          await listPage(
            c,
            '/deletedkeys',
            (request) => keys.listDeleted(c.vault.name, request),
            (k) => deletedKeyItem(c.base, c.vault, k),
          ),
        ),
    },
    {
      method: 'GET',
      path: '/deletedkeys/:name',
      operation: 'KeyGetDeleted',
      handle: async (c) =>
        ok(deletedKeyBundle(c.base, c.vault, await keys.getDeleted(c.vault.name, name(c)))),
    },
    {
      method: 'POST',
      path: '/deletedkeys/:name/recover',
      operation: 'KeyRecover',
      handle: async (c) => ok(keyBundle(c.base, c.vault, await keys.recover(c.vault.name, name(c)))),
    },
    {
      method: 'DELETE',
      path: '/deletedkeys/:name',
      operation: 'KeyPurge',
      handle: async (c) => {
        await keys.purge(c.vault.name, name(c));
        return noContent();
      },
    },
  ];
}
