import type { KeyObject } from 'node:crypto';
import type { CertificateDoc, CertificateOperation } from './certificate-doc.ts';
import { OPERATION_SLOT } from './certificate-doc.ts';
import { LinkedChangedError } from './certificate-errors.ts';
import { type CertificatePolicy, POLICY_SLOT } from './certificate-policy.ts';
import type { CertificateStoreDeps } from './certificate-store.ts';
import { pendingPlan } from './external-issuance.ts';
import { commitLinked, completeVersionMutation, replaceAttachmentMutation } from './linked-objects.ts';
import { versionDocs } from './managed-version.ts';
import { unsealedKey } from './version-keys.ts';

// Self-signed creation under a creation delay (`delays.certificateCreateMs`), as the real service runs
// it: the create leaves a waiting version (disabled, no X.509, the new key) and an operation inProgress,
// which completes at its due time: the waiting version becomes the certificate, in place, as the real
// service's self-signed versions do (one version per create). A cancellation requested meanwhile ends
// it as `cancelled`, the waiting version left as it is.
//
// Completion is lazy: the due time is stored in the operation (replicated, kept across restarts), and
// the reads that show the operation or the certificate settle it against the clock with one guarded
// write. No timer or job: nothing to reschedule on a time shift or a restart, and a region that may not
// write (a standby, a failed-over read-only region) shows what is stored until the writer settles it.

/** The waiting version and the operation of a self-signed creation that completes in `delayMs`. */
export async function delayedPlan(
  deps: Pick<CertificateStoreDeps, 'sealer' | 'clock'>,
  policy: CertificatePolicy,
  privateKey: KeyObject,
  requested: { enabled: boolean; tags: Record<string, string> | undefined },
  delayMs: number,
) {
  const pending = await pendingPlan(deps, policy, privateKey, requested.tags);
  const operation: CertificateOperation = {
    ...pending.operation,
    delayed: { due: deps.clock.now() + delayMs, enabled: requested.enabled },
  };
  return { operation, plan: { ...pending.plan, operation } };
}

/** Whether a delayed creation has an outcome to write: a cancellation requested, or its due time passed. */
function outcomeDue(operation: CertificateOperation, now: number): boolean {
  return (
    operation.status === 'inProgress' &&
    operation.delayed !== undefined &&
    (operation.cancellation_requested || operation.delayed.due <= now)
  );
}

/**
 * The operation as it stands now: a delayed creation whose outcome is due is written (completed or
 * cancelled) when this region may write; anything else is returned as stored.
 */
export async function settledOperation(
  deps: CertificateStoreDeps,
  vault: string,
  name: string,
  operation: CertificateOperation,
): Promise<CertificateOperation> {
  if (!outcomeDue(operation, deps.clock.now()) || !(deps.writable?.() ?? true)) return operation;
  const { delayed, status_details: _details, ...rest } = operation;
  try {
    if (operation.cancellation_requested) {
      const cancelled = { ...rest, status: 'cancelled' as const };
      const mutation = replaceAttachmentMutation(
        name,
        OPERATION_SLOT,
        operation,
        cancelled,
        'CertificatePendingUpdate',
      );
      await commitLinked(deps.committer, vault, name, mutation);
      return cancelled;
    }
    const completed = { ...rest, status: 'completed' as const };
    await complete(deps, vault, name, { before: operation, after: completed }, delayed?.enabled ?? true);
    return completed;
  } catch (error) {
    // Another request settled it first: answer what it wrote.
    if (!(error instanceof LinkedChangedError)) throw error;
    const stored = await deps.certificates.attachment<CertificateOperation>(vault, name, OPERATION_SLOT);
    return stored ?? operation;
  }
}

/** Issues the waiting version's certificate with its key, and writes it in place with the operation. */
async function complete(
  deps: CertificateStoreDeps,
  vault: string,
  name: string,
  operation: { before: CertificateOperation; after: CertificateOperation },
  enabled: boolean,
): Promise<void> {
  const policy = await deps.certificates.attachment<CertificatePolicy>(vault, name, POLICY_SLOT);
  if (!policy) throw new Error(`certificate ${name} has an operation but no policy`);
  const waiting = await deps.certificates.latest(vault, name);
  const { doc: keyDoc } = await deps.keys.version(vault, name, waiting.version);
  const { doc: waitingSecret } = await deps.secrets.version(vault, name, waiting.version);
  const privateKey = unsealedKey(deps.sealer, vault, name, waiting.version, keyDoc);
  const { issueSelfSigned } = await import('./self-signed.ts');
  const now = deps.clock.now();
  const issued = await issueSelfSigned(policy, privateKey, new Date(now));
  const place = {
    vault,
    name,
    version: waiting.version,
    now: Math.floor(now / 1000),
    enabled,
    tags: waiting.doc.tags,
    previousVersion: waitingSecret.previousVersion,
  };
  const docs = await versionDocs(deps.sealer, place, policy, {
    certificateDer: issued.certificateDer,
    privateKey,
  });
  // The version was created with the operation; completing it updates it.
  const created = waiting.doc.attributes.created;
  for (const doc of [docs.certificate, docs.key, docs.secret] as {
    attributes: CertificateDoc['attributes'];
  }[])
    doc.attributes.created = created;
  const mutation = completeVersionMutation(name, waiting.version, docs, {
    slot: OPERATION_SLOT,
    ...operation,
  });
  await commitLinked(deps.committer, vault, name, mutation);
}
