import type { CertificateLifecycle, CertificateStore } from '@vaultover/vault';
import { type DataRoute, noContent, ok, type RequestContext } from '../data-route.ts';
import { listPage } from '../paging.ts';
import {
  certificateBundle,
  certificateItem,
  deletedCertificateBundle,
  deletedCertificateItem,
  operationBody,
  policyBody,
} from '../wire/certificate-wire.ts';

const name = (context: RequestContext) => context.params.name ?? '';
// `includePending=true` lists certificates not completely provisioned too. Like the real service's, the
// next link does not carry it (Azure/azure-sdk-for-net#47202, Azure/azure-sdk-for-python#38589).
const pendingOption = (context: RequestContext) => ({
  includePending: context.query.includePending?.toLowerCase() === 'true',
});

/**
 * The certificates REST API (docs/vault-api.md#certificates). Order matters: literal segments before
 * parameters (`/certificates/restore`, `/certificates/{n}/versions|policy|pending|create|import|backup`
 * before `/certificates/{n}/{version}`). Issuers and contacts: certificate-setting-routes.ts.
 */
export function certificateRoutes(
  certificates: CertificateStore,
  lifecycle: CertificateLifecycle,
): DataRoute[] {
  return [
    {
      method: 'POST',
      path: '/certificates/restore',
      operation: 'CertificateRestore',
      hasBody: true,
      handle: async (c) => {
        const { certificate, policy } = await lifecycle.restore(c.vault.name, c.body);
        return ok(certificateBundle(c.base, c.vault, certificate, policy));
      },
    },
    {
      method: 'GET',
      path: '/certificates',
      operation: 'CertificateList',
      handle: async (c) =>
        ok(
          await listPage(
            c,
            '/certificates',
            (request) => certificates.list(c.vault.name, request, pendingOption(c)),
            (item) => certificateItem(c.base, item),
          ),
        ),
    },
    {
      method: 'GET',
      path: '/certificates/:name/versions',
      operation: 'CertificateListVersions',
      handle: async (c) =>
        ok(
          await listPage(
            c,
            `/certificates/${name(c)}/versions`,
            (request) => certificates.listVersions(c.vault.name, name(c), request),
            (item) => certificateItem(c.base, item, true),
          ),
        ),
    },
    {
      method: 'GET',
      path: '/certificates/:name/policy',
      operation: 'CertificatePolicyGet',
      handle: async (c) => ok(policyBody(c.base, name(c), await certificates.policy(c.vault.name, name(c)))),
    },
    {
      method: 'PATCH',
      path: '/certificates/:name/policy',
      operation: 'CertificatePolicyUpdate',
      hasBody: true,
      handle: async (c) =>
        ok(policyBody(c.base, name(c), await certificates.updatePolicy(c.vault.name, name(c), c.body))),
    },
    {
      method: 'GET',
      path: '/certificates/:name/pending',
      operation: 'CertificatePendingGet',
      handle: async (c) => ok(operationBody(c.base, await certificates.pending(c.vault.name, name(c)))),
    },
    {
      method: 'DELETE',
      path: '/certificates/:name/pending',
      operation: 'CertificatePendingDelete',
      handle: async (c) => ok(operationBody(c.base, await certificates.deletePending(c.vault.name, name(c)))),
    },
    {
      method: 'PATCH',
      path: '/certificates/:name/pending',
      operation: 'CertificatePendingUpdate',
      hasBody: true,
      handle: async (c) =>
        ok(operationBody(c.base, await certificates.updatePending(c.vault.name, name(c), c.body))),
    },
    {
      method: 'POST',
      path: '/certificates/:name/pending/merge',
      operation: 'CertificateMerge',
      hasBody: true,
      // 201 Created, as the REST spec and the real service answer a merge.
      handle: async (c) => {
        const { certificate, policy } = await certificates.merge(c.vault.name, name(c), c.body);
        return { status: 201, body: certificateBundle(c.base, c.vault, certificate, policy) };
      },
    },
    {
      method: 'POST',
      path: '/certificates/:name/create',
      operation: 'CertificateCreate',
      hasBody: true,
      // 202 with the operation: the SDK's poller then reads `/pending` until it is no longer inProgress.
      handle: async (c) => ({
        status: 202,
        body: operationBody(c.base, await certificates.create(c.vault.name, name(c), c.body)),
      }),
    },
    {
      method: 'POST',
      path: '/certificates/:name/import',
      operation: 'CertificateImport',
      hasBody: true,
      handle: async (c) => {
        const { certificate, policy } = await certificates.import(c.vault.name, name(c), c.body);
        return ok(certificateBundle(c.base, c.vault, certificate, policy));
      },
    },
    {
      method: 'POST',
      path: '/certificates/:name/backup',
      operation: 'CertificateBackup',
      handle: async (c) =>
        ok({ value: (await lifecycle.backup(c.vault.name, name(c))).toString('base64url') }),
    },
    {
      method: 'GET',
      path: '/certificates/:name{/:version}',
      operation: 'CertificateGet',
      handle: async (c) => {
        const { certificate, policy } = await certificates.get(c.vault.name, name(c), c.params.version);
        return ok(certificateBundle(c.base, c.vault, certificate, policy));
      },
    },
    {
      method: 'PATCH',
      path: '/certificates/:name{/:version}',
      operation: 'CertificateUpdate',
      hasBody: true,
      handle: async (c) => {
        const { certificate, policy } = await lifecycle.update(
          c.vault.name,
          name(c),
          c.params.version,
          c.body,
        );
        return ok(certificateBundle(c.base, c.vault, certificate, policy));
      },
    },
    {
      method: 'DELETE',
      path: '/certificates/:name',
      operation: 'CertificateDelete',
      handle: async (c) => {
        const { deleted, policy } = await lifecycle.delete(c.vault.name, name(c));
        return ok(deletedCertificateBundle(c.base, c.vault, deleted, policy));
      },
    },
    {
      method: 'GET',
      path: '/deletedcertificates',
      operation: 'CertificateListDeleted',
      handle: async (c) =>
        ok(
          await listPage(
            c,
            '/deletedcertificates',
            (request) => lifecycle.listDeleted(c.vault.name, request, pendingOption(c)),
            (item) => deletedCertificateItem(c.base, item),
          ),
        ),
    },
    {
      method: 'GET',
      path: '/deletedcertificates/:name',
      operation: 'CertificateGetDeleted',
      handle: async (c) =>
        ok(deletedCertificateBundle(c.base, c.vault, await lifecycle.getDeleted(c.vault.name, name(c)))),
    },
    {
      method: 'POST',
      path: '/deletedcertificates/:name/recover',
      operation: 'CertificateRecover',
      handle: async (c) => {
        const { certificate, policy } = await lifecycle.recover(c.vault.name, name(c));
        return ok(certificateBundle(c.base, c.vault, certificate, policy));
      },
    },
    {
      method: 'DELETE',
      path: '/deletedcertificates/:name',
      operation: 'CertificatePurge',
      handle: async (c) => {
        await lifecycle.purge(c.vault.name, name(c));
        return noContent();
      },
    },
  ];
}
