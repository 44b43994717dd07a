import { inFormat, requireOutContentType, type SecretStore } from '@vaultover/vault';
import { apiVersionAtLeast } from '../api-version.ts';
import { type DataRoute, noContent, ok, type RequestContext } from '../data-route.ts';
import { listPage } from '../paging.ts';
import { deletedSecretBundle, deletedSecretItem, secretBundle, secretItem } from '../wire/secret-wire.ts';

const name = (context: RequestContext) => context.params.name ?? '';

/** The secrets REST API (docs/vault-api.md#secrets). Order matters: literal segments before parameters. */
export function secretRoutes(secrets: SecretStore): DataRoute[] {
  return [
    {
      method: 'POST',
      path: '/secrets/restore',
      operation: 'SecretRestore',
      hasBody: true,
      handle: async (c) => ok(secretBundle(c, c.vault, await secrets.restore(c.vault.name, c.body))),
    },
    {
      method: 'GET',
      path: '/secrets',
      operation: 'SecretList',
      handle: async (c) =>
        ok(
          await listPage(
            c,
            '/secrets',
            (request) => secrets.list(c.vault.name, request),
            (s) => secretItem(c.base, c.vault, s),
          ),
        ),
    },
    {
      method: 'GET',
      path: '/secrets/:name/versions',
      operation: 'SecretListVersions',
      handle: async (c) =>
        ok(
          await listPage(
            c,
            `/secrets/${name(c)}/versions`,
            (request) => secrets.listVersions(c.vault.name, name(c), request),
            (s) => secretItem(c.base, c.vault, s, true),
          ),
        ),
    },
    {
      method: 'POST',
      path: '/secrets/:name/backup',
      operation: 'SecretBackup',
      handle: async (c) => ok({ value: (await secrets.backup(c.vault.name, name(c))).toString('base64url') }),
    },
    {
      method: 'PUT',
      path: '/secrets/:name',
      operation: 'SecretSet',
      hasBody: true,
      handle: async (c) => {
        const secret = await secrets.set(c.vault.name, name(c), c.body);
        return ok(secretBundle(c, c.vault, secret, (c.body as { value: string }).value));
      },
    },
    {
      method: 'GET',
      path: '/secrets/:name{/:version}',
      operation: 'SecretGet',
      handle: async (c) => {
        // 2025-07-01 added outContentType; older api-versions ignore it, as any unknown parameter.
        const asked = apiVersionAtLeast(c.apiVersion, '2025-07-01')
          ? requireOutContentType(c.query.outContentType)
          : undefined;
        const stored = await secrets.get(c.vault.name, name(c), c.params.version);
        const secret = asked ? await inFormat(stored, asked) : stored;
        return ok(secretBundle(c, c.vault, secret, secret.value));
      },
    },
    {
      method: 'PATCH',
      path: '/secrets/:name{/:version}',
      operation: 'SecretUpdate',
      hasBody: true,
      handle: async (c) =>
        ok(
          secretBundle(
            c,
            c.vault,
            await secrets.updateProperties(c.vault.name, name(c), c.params.version, c.body),
          ),
        ),
    },
    {
      method: 'DELETE',
      path: '/secrets/:name',
      operation: 'SecretDelete',
      handle: async (c) => ok(deletedSecretBundle(c, c.vault, await secrets.delete(c.vault.name, name(c)))),
    },
    {
      method: 'GET',
      path: '/deletedsecrets',
      operation: 'SecretListDeleted',
      handle: async (c) =>
        ok(
          await listPage(
            c,
            '/deletedsecrets',
            (request) => secrets.listDeleted(c.vault.name, request),
            (s) => deletedSecretItem(c.base, c.vault, s),
          ),
        ),
    },
    {
      method: 'GET',
      path: '/deletedsecrets/:name',
      operation: 'SecretGetDeleted',
      handle: async (c) =>
        ok(deletedSecretBundle(c, c.vault, await secrets.getDeleted(c.vault.name, name(c)))),
    },
    {
      method: 'POST',
      path: '/deletedsecrets/:name/recover',
      operation: 'SecretRecover',
      handle: async (c) => ok(secretBundle(c, c.vault, await secrets.recover(c.vault.name, name(c)))),
    },
    {
      method: 'DELETE',
      path: '/deletedsecrets/:name',
      operation: 'SecretPurge',
      handle: async (c) => {
        await secrets.purge(c.vault.name, name(c));
        return noContent();
      },
    },
  ];
}
