import type { KeyObject } from 'node:crypto';
import type { CertificateOperation } from './certificate-doc.ts';
import { OPERATION_SLOT } from './certificate-doc.ts';
import { mergeForbidden, pendingNotFound, pendingNotInProgress } from './certificate-errors.ts';
import type { CertificateMergeInput } from './certificate-input.ts';
import type { CertificatePolicy } from './certificate-policy.ts';
import type { CertificateStoreDeps, CertificateWithPolicy, PendingOperation } from './certificate-store.ts';
import { commitLinked, replaceAttachmentMutation } from './linked-objects.ts';
import { pendingVersionDocs, type VersionPlace, versionDocs } from './managed-version.ts';
import { chainOf, requireLeafOf } from './merge-chain.ts';
import { addVersion, newOperation } from './new-version.ts';
import { UNKNOWN_ISSUER } from './policy-rules.ts';
import { unsealedKey } from './version-keys.ts';

// Certificates a CA outside the vault signs (issuer Unknown), as the real service runs them ("Monitor
// and manage certificate creation"): the create leaves a waiting version (disabled, no X.509 yet)
// holding the new key, and an operation inProgress with the key's CSR; the merge of the signed chain
// makes a new version with that key and completes the operation.

/** How far before its creation a waiting version says it is valid (the real service's 10 minutes). */
const BACKDATE_SECONDS = 600;

const WAITING_DETAILS = 'Pending certificate created. Please Perform Merge to complete the request.';

/** The real service's details of a creation in progress at an issuer (its recorded answers). */
const IN_PROGRESS_DETAILS =
  'Pending certificate created. Certificate request is in progress. ' +
  'This may take some time based on the issuer provider. Please check again later.';

/**
 * The waiting version and the operation of a create whose certificate is not issued at once: issuer
 * Unknown (waiting for a merge), an issuer set in the vault, or Self under a creation delay (both
 * waiting for the issuer: the details say so).
 */
export async function pendingPlan(
  deps: Pick<CertificateStoreDeps, 'sealer' | 'clock'>,
  policy: CertificatePolicy,
  privateKey: KeyObject,
  tags: Record<string, string> | undefined,
) {
  const details = policy.issuer.name === UNKNOWN_ISSUER ? WAITING_DETAILS : IN_PROGRESS_DETAILS;
  const { addMonths, certificateRequest } = await import('./self-signed.ts');
  const csrDer = await certificateRequest(policy, privateKey);
  const operation: CertificateOperation = {
    ...newOperation(policy, csrDer, 'inProgress'),
    status_details: details,
  };
  // The real service shows the waiting version so dated (its recorded answers); the merged
  // certificate then brings its own dates.
  const now = deps.clock.now();
  const validity = {
    nbf: Math.floor(now / 1000) - BACKDATE_SECONDS,
    exp: Math.floor(addMonths(new Date(now), policy.x509_props.validity_months).getTime() / 1000),
  };
  const docs = async (place: VersionPlace) =>
    pendingVersionDocs(deps.sealer, place, policy, privateKey, validity);
  return { operation, plan: { policy, docs, enabled: false, tags, operation } };
}

/**
 * Records a cancellation request. An operation of issuer Unknown has no CA to tell, so it stays
 * inProgress (merge or delete it), as the real service's does; nor does one of an issuer set in the
 * vault (no CA is contacted here). A request, once made, is not taken back.
 */
export async function requestCancellation(
  deps: Pick<CertificateStoreDeps, 'committer'>,
  vault: string,
  name: string,
  operation: CertificateOperation,
  requested: boolean,
): Promise<PendingOperation> {
  if (operation.status !== 'inProgress') throw pendingNotInProgress(name, operation.status);
  const next = { ...operation, cancellation_requested: operation.cancellation_requested || requested };
  const mutation = replaceAttachmentMutation(
    name,
    OPERATION_SLOT,
    operation,
    next,
    'CertificatePendingUpdate',
  );
  await commitLinked(deps.committer, vault, name, mutation);
  return { name, operation: next };
}

/** What a merge goes into: the certificate, its operation and its policy. */
export interface MergeTarget {
  vault: string;
  name: string;
  operation: CertificateOperation;
  policy: CertificatePolicy;
}

/**
 * Merges the signed chain: a new version (as in the real service, not the waiting one) with the
 * waiting version's key, its secret carrying the chain; the operation completed, without details.
 */
export async function mergeSigned(
  deps: CertificateStoreDeps,
  target: MergeTarget,
  input: CertificateMergeInput,
): Promise<CertificateWithPolicy> {
  const { vault, name, operation, policy } = target;
  if (operation.status === 'inProgress' && operation.issuer.name !== UNKNOWN_ISSUER)
    throw mergeForbidden(operation.issuer.name);
  if (operation.status !== 'inProgress') throw pendingNotInProgress(name, operation.status);
  const waiting = await deps.certificates.latest(vault, name);
  // An operation in progress whose latest version has X.509 has nothing waiting for a merge.
  if (waiting.doc.cer !== undefined) throw pendingNotFound(name);
  const [leaf, ...chain] = chainOf(input.x5c) as [Buffer, ...Buffer[]];
  const { doc } = await deps.keys.version(vault, name, waiting.version);
  const privateKey = unsealedKey(deps.sealer, vault, name, waiting.version, doc);
  requireLeafOf(leaf, privateKey);
  const { status_details: _details, ...rest } = operation;
  const material = { certificateDer: leaf, privateKey, chain };
  const plan = {
    policy,
    docs: (place: VersionPlace) => versionDocs(deps.sealer, place, policy, material),
    enabled: input.attributes?.enabled ?? true,
    tags: input.tags ?? waiting.doc.tags,
    operation: { ...rest, status: 'completed' as const },
  };
  const certificate = await addVersion(deps, vault, name, plan, 'CertificateMerge');
  return { certificate, policy };
}
