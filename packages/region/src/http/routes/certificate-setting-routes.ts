import type { CertificateContacts, CertificateIssuers } from '@vaultover/vault';
import { type DataRoute, ok, type RequestContext } from '../data-route.ts';
import { listPage } from '../paging.ts';
import { contactsBody, issuerBundle, issuerItem } from '../wire/issuer-wire.ts';

const name = (context: RequestContext) => context.params.name ?? '';

/**
 * The vault's certificate issuers and contacts (docs/vault-api.md#certificate-issuers-and-contacts).
 * They go before the certificates' own routes, whose `/certificates/{name}{/version}` would otherwise
 * take `/certificates/issuers/{name}` and `/certificates/contacts`: in the real service too, these two
 * names are not certificates.
 */
export function certificateSettingRoutes(
  issuers: CertificateIssuers,
  contacts: CertificateContacts,
): DataRoute[] {
  return [
    {
      method: 'GET',
      path: '/certificates/issuers',
      operation: 'CertificateIssuersList',
      handle: async (c) =>
        ok(
          await listPage(
            c,
            '/certificates/issuers',
            (request) => issuers.list(c.vault.name, request),
            (item) => issuerItem(c.base, item),
          ),
        ),
    },
    {
      method: 'PUT',
      path: '/certificates/issuers/:name',
      operation: 'CertificateIssuerSet',
      hasBody: true,
      handle: async (c) => ok(issuerBundle(c.base, await issuers.set(c.vault.name, name(c), c.body))),
    },
    {
      method: 'GET',
      path: '/certificates/issuers/:name',
      operation: 'CertificateIssuerGet',
      handle: async (c) => ok(issuerBundle(c.base, await issuers.get(c.vault.name, name(c)))),
    },
    {
      method: 'PATCH',
      path: '/certificates/issuers/:name',
      operation: 'CertificateIssuerUpdate',
      hasBody: true,
      handle: async (c) => ok(issuerBundle(c.base, await issuers.update(c.vault.name, name(c), c.body))),
    },
    {
      method: 'DELETE',
      path: '/certificates/issuers/:name',
      operation: 'CertificateIssuerDelete',
      handle: async (c) => ok(issuerBundle(c.base, await issuers.delete(c.vault.name, name(c)))),
    },
    {
      method: 'PUT',
      path: '/certificates/contacts',
      operation: 'CertificateContactsSet',
      hasBody: true,
      handle: async (c) => ok(contactsBody(c.base, await contacts.set(c.vault.name, c.body))),
    },
    {
      method: 'GET',
      path: '/certificates/contacts',
      operation: 'CertificateContactsGet',
      handle: async (c) => ok(contactsBody(c.base, await contacts.get(c.vault.name))),
    },
    {
      method: 'DELETE',
      path: '/certificates/contacts',
      operation: 'CertificateContactsDelete',
      handle: async (c) => ok(contactsBody(c.base, await contacts.delete(c.vault.name))),
    },
  ];
}
