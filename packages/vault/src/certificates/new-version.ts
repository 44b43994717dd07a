import { randomBytes } from 'node:crypto';
import type { OperationName } from '../catalogue.ts';
import { isVaultError } from '../errors.ts';
import { objectIsBeingDeletedNoReuse, RestoreConflictError } from '../object-errors.ts';
import { CERTIFICATE } from '../object-kind.ts';
import type { Mutation } from '../store/mutation.ts';
import { newVersionId } from '../store/object-repository.ts';
import type { CertificateOperation } from './certificate-doc.ts';
import { OPERATION_SLOT } from './certificate-doc.ts';
import { type CertificatePolicy, POLICY_SLOT } from './certificate-policy.ts';
import type { CertificateStoreDeps } from './certificate-store.ts';
import { commitLinked, newVersionMutation } from './linked-objects.ts';
import type { VersionDocs, VersionPlace } from './managed-version.ts';
import { linkedHeads } from './version-keys.ts';

// A new version of a certificate (create, import, merge): the certificate, its managed key and its
// managed secret, with the policy and the creation operation, in one mutation.

export interface NewVersionPlan {
  policy: CertificatePolicy;
  /** The documents of the version at its place (versionDocs, or pendingVersionDocs before a merge). */
  docs: (place: VersionPlace) => Promise<VersionDocs>;
  enabled: boolean;
  tags?: Record<string, string> | undefined;
  /** The creation operation to keep, or null to remove one left from an earlier create. */
  operation: CertificateOperation | null;
}

/** Adds the version, refused when the key or secret of the name changed since they were read. */
export async function addVersion(
  deps: CertificateStoreDeps,
  vault: string,
  name: string,
  plan: NewVersionPlan,
  operation: OperationName,
) {
  const expectedHeads = await linkedHeads(deps, vault, name);
  const version = newVersionId();
  const now = Math.floor(deps.clock.now() / 1000);
  // The head of the managed secret is the certificate's latest version (the three share versions).
  const previousVersion = expectedHeads.secret ?? undefined;
  const place = { vault, name, version, now, enabled: plan.enabled, tags: plan.tags, previousVersion };
  const docs = await plan.docs(place);
  const attachments = { [POLICY_SLOT]: plan.policy, [OPERATION_SLOT]: plan.operation };
  const change = { name, version, docs, expectedHeads, attachments };
  await commitNewVersions(deps, vault, name, {
    operation,
    mutation: () => newVersionMutation(change, operation),
  });
  return { name, version, doc: docs.certificate };
}

/** What commitNewVersions writes: the mutation, built anew for each attempt, and what it is. */
export interface VersionsWrite {
  operation: OperationName;
  mutation: () => Mutation;
  /** For a restore: the backup's latest version, which its conflict names (RestoreConflictError). */
  restoredHead?: string | undefined;
}

/**
 * Commits a mutation that writes versions under the name (a new version, a restore); refused over a
 * soft-deleted name, with the real service's "… is currently being deleted" while the deletion
 * propagates. While a purge of the name propagates (store/purge-window.ts) a new version is refused with
 * "… cannot be re-created; retry later." and a restore with the restore conflict, as for a name in use:
 * the JS SDK's certificate backup sample retries a restore after a purge while the answer says
 * "conflict restoring the certificate".
 */
export async function commitNewVersions(
  deps: Pick<CertificateStoreDeps, 'committer' | 'certificates'>,
  vault: string,
  name: string,
  write: VersionsWrite,
): Promise<void> {
  const { operation, restoredHead } = write;
  const commit = () =>
    commitLinked(deps.committer, vault, name, write.mutation(), restoredHead).catch(
      async (error: unknown) => {
        if (isVaultError(error) && error.innerCode === 'ObjectIsDeletedButRecoverable')
          throw await deps.certificates.deletedConflict(vault, name);
        throw error;
      },
    );
  await deps.certificates.commitPastPurgeWindow({
    vault,
    name,
    operation,
    commit,
    refused: (kind) =>
      restoredHead === undefined
        ? objectIsBeingDeletedNoReuse(kind, name)
        : new RestoreConflictError(CERTIFICATE, name, restoredHead),
  });
}

/** A creation operation for the CSR of a new version. */
export function newOperation(
  policy: CertificatePolicy,
  csrDer: Buffer,
  status: CertificateOperation['status'],
): CertificateOperation {
  return {
    // The real service's operations name the issuer alone (its recorded answers), not its other settings.
    issuer: { name: policy.issuer.name },
    csr: csrDer.toString('base64'),
    cancellation_requested: false,
    status,
    request_id: randomBytes(16).toString('hex'),
  };
}
