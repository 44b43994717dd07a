import type { KeyObject } from 'node:crypto';
import type { Clock } from '@vaultover/foundation';
import type { Sealer } from '../crypto/sealer.ts';
import { isVaultError } from '../errors.ts';
import type { KeyDoc } from '../keys/key-doc.ts';
import type { SecretDoc } from '../secrets/secret-store.ts';
import type { Committer } from '../store/committer.ts';
import type { ObjectRepository } from '../store/object-repository.ts';
import type { Page, PageRequest } from '../store/paging.ts';
import type { PropagationDelays } from '../store/propagation.ts';
import type { VaultRegistry } from '../store/vault-registry.ts';
import { parseInput, requireObjectName } from '../validation.ts';
import type { CertificateDoc, CertificateOperation, CertificateVersion } from './certificate-doc.ts';
import { OPERATION_SLOT } from './certificate-doc.ts';
import { pendingInProgress, pendingNotFound, policyRequired } from './certificate-errors.ts';
import { isPem, readImport } from './certificate-import.ts';
import {
  certificateCreateInput,
  certificateImportInput,
  certificateMergeInput,
  pendingUpdateInput,
  policyInput,
} from './certificate-input.ts';
import { type IssuerDirectory, requireVaultIssuer } from './certificate-issuers.ts';
import { type CertificatePolicy, POLICY_SLOT, resolvePolicy } from './certificate-policy.ts';
import { delayedPlan, settledOperation } from './delayed-issuance.ts';
import { mergeSigned, pendingPlan, requestCancellation } from './external-issuance.ts';
import { commitLinked, removeAttachmentMutation } from './linked-objects.ts';
import { type VersionPlace, versionDocs } from './managed-version.ts';
import { addVersion, newOperation } from './new-version.ts';
import { PEM_CONTENT_TYPE, PKCS12_CONTENT_TYPE, requireContentType, SELF_ISSUER } from './policy-rules.ts';
import { linkedHeads, newPrivateKey, reusableKey } from './version-keys.ts';

/** What the certificate stores work on. */
export interface CertificateStoreDeps {
  certificates: ObjectRepository<CertificateDoc>;
  keys: ObjectRepository<KeyDoc>;
  secrets: ObjectRepository<SecretDoc>;
  committer: Committer;
  sealer: Sealer;
  vaults: VaultRegistry;
  clock: Clock;
  /** The vault's issuers, which a policy may name besides Self and Unknown; only those two without. */
  issuers?: IssuerDirectory | undefined;
  /** How long deletes, recovers, purges and self-signed creations take to show; none by default. */
  delays?: PropagationDelays | undefined;
  /**
   * Whether this region may write now (a delayed creation is completed by the read that finds it due);
   * always by default.
   */
  writable?: (() => boolean) | undefined;
}

/** A certificate version with the certificate's policy, as bundles carry it. */
export interface CertificateWithPolicy {
  certificate: CertificateVersion;
  policy: CertificatePolicy | undefined;
}

/** Whether a list shows certificates not completely provisioned (the REST `includePending` query). */
export interface CertificateListOptions {
  includePending?: boolean | undefined;
}

/**
 * The page without the certificates whose latest version has no X.509 yet (waiting for a merge or an
 * issuer, or cancelled), unless `includePending` asks for them: the real service lists only fully
 * created certificates by default (Azure/azure-cli#1283, whose fix was `--include-pending`). A page may
 * so come out short, even empty, with a next link, as the REST API allows.
 */
export function withoutPending<T extends { doc: CertificateDoc }>(
  page: Page<T>,
  options: CertificateListOptions,
): Page<T> {
  if (options.includePending) return page;
  return { ...page, items: page.items.filter((item) => item.doc.cer !== undefined) };
}

/** A certificate's creation operation. */
export interface PendingOperation {
  name: string;
  operation: CertificateOperation;
}

/**
 * The certificates of every vault in a region: creation from a policy (self-signed, or waiting for
 * the merge of what a CA outside signs: external-issuance.ts), import, reads, the policy and the
 * creation operation. Every new version writes the certificate, its managed key and its managed
 * secret in one mutation (new-version.ts). Lifecycle: certificate-lifecycle.ts.
 */
export class CertificateStore {
  readonly #deps: CertificateStoreDeps;

  constructor(deps: CertificateStoreDeps) {
    this.#deps = deps;
  }

  /**
   * `POST /certificates/{name}/create`. Issuer Self: issues the certificate at once, the operation is
   * already completed; under a creation delay, it is inProgress until then (delayed-issuance.ts).
   * Issuer Unknown: a version without certificate waits, with its key, for the merge of what a CA
   * signs from the operation's CSR (the operation stays inProgress until then). An issuer set in the
   * vault: the same waiting version, but no CA is ever asked, so it stays inProgress (delete or cancel it).
   */
  async create(vault: string, name: string, body: unknown): Promise<PendingOperation> {
    requireObjectName(name);
    const input = parseInput(certificateCreateInput, body, 'certificate');
    await this.#deps.vaults.get(vault);
    const now = this.#now();
    const policy = input.policy ? resolvePolicy(input.policy, now) : await this.#storedPolicy(vault, name);
    await requireVaultIssuer(this.#deps.issuers, vault, policy.issuer.name);
    await linkedHeads(this.#deps, vault, name); // a foreign key or secret of this name: refuse before generating
    await this.#refuseWhileInProgress(vault, name);
    const privateKey = (await reusableKey(this.#deps, vault, name, policy)) ?? (await newPrivateKey(policy));
    const requested = { enabled: input.attributes?.enabled ?? true, tags: input.tags };
    const delayMs = this.#deps.delays?.certificateCreateMs ?? 0;
    const { operation, plan } =
      policy.issuer.name !== SELF_ISSUER
        ? await pendingPlan(this.#deps, policy, privateKey, requested.tags)
        : delayMs > 0
          ? await delayedPlan(this.#deps, policy, privateKey, requested, delayMs)
          : await this.#selfSignedPlan(policy, privateKey, requested);
    await addVersion(this.#deps, vault, name, plan, 'CertificateCreate');
    return { name, operation };
  }

  async #selfSignedPlan(
    policy: CertificatePolicy,
    privateKey: KeyObject,
    requested: { enabled: boolean; tags: Record<string, string> | undefined },
  ) {
    const { issueSelfSigned } = await import('./self-signed.ts');
    const issued = await issueSelfSigned(policy, privateKey, new Date(this.#deps.clock.now()));
    const operation = newOperation(policy, issued.csrDer, 'completed');
    const material = { certificateDer: issued.certificateDer, privateKey };
    const docs = (place: VersionPlace) => versionDocs(this.#deps.sealer, place, policy, material);
    return { operation, plan: { policy, docs, ...requested, operation } };
  }

  /** `POST /certificates/{name}/import`: a PFX (base64, password optional) or PEM with its private key. */
  async import(vault: string, name: string, body: unknown): Promise<CertificateWithPolicy> {
    requireObjectName(name);
    const input = parseInput(certificateImportInput, body, 'certificate import');
    await this.#deps.vaults.get(vault);
    // The format is read from the value: the SDK sends PEM as text, but does not send the policy's
    // contentType that told it so (its import options are not serialised). The secret keeps the
    // policy's contentType when one came, else the format imported.
    const format = isPem(input.value) ? PEM_CONTENT_TYPE : PKCS12_CONTENT_TYPE;
    const imported = await readImport(input.value, input.pwd, format, this.#deps.clock.now());
    const contentType = requireContentType(input.policy?.secret_props?.contentType ?? format);
    const asked = { ...input.policy, secret_props: { contentType } };
    const now = this.#now();
    const { policyFromCertificate } = await import('./policy-from-certificate.ts');
    const policy = policyFromCertificate(imported.certificateDer, imported.privateKey, asked, now, undefined);
    const material = { certificateDer: imported.certificateDer, privateKey: imported.privateKey };
    await this.#refuseWhileInProgress(vault, name);
    const plan = {
      policy,
      docs: (place: VersionPlace) => versionDocs(this.#deps.sealer, place, policy, material),
      enabled: input.attributes?.enabled ?? true,
      tags: input.tags,
      operation: null,
    };
    const certificate = await addVersion(this.#deps, vault, name, plan, 'CertificateImport');
    return { certificate, policy };
  }

  /** A version (latest when empty) with the certificate's policy. */
  async get(vault: string, name: string, version?: string): Promise<CertificateWithPolicy> {
    // Under a creation delay, a creation due by now completes before the certificate is read.
    if (this.#deps.delays?.certificateCreateMs)
      await this.#settledOperationOf(vault, requireObjectName(name));
    const certificate = await this.#deps.certificates.version(vault, requireObjectName(name), version);
    return { certificate, policy: await this.#policyOf(vault, name) };
  }

  async list(
    vault: string,
    page: PageRequest,
    options: CertificateListOptions = {},
  ): Promise<Page<CertificateVersion>> {
    return withoutPending(await this.#deps.certificates.listLive(vault, page), options);
  }

  listVersions(vault: string, name: string, page: PageRequest): Promise<Page<CertificateVersion>> {
    return this.#deps.certificates.listVersions(vault, requireObjectName(name), page);
  }

  /** `GET /certificates/{name}/policy`; 404 when the certificate does not exist. */
  async policy(vault: string, name: string): Promise<CertificatePolicy> {
    const policy = await this.#policyOf(vault, requireObjectName(name));
    if (!policy) throw new Error(`certificate ${name} has no policy`);
    return policy;
  }

  /** `PATCH /certificates/{name}/policy`: the fields given replace the stored ones. */
  async updatePolicy(vault: string, name: string, body: unknown): Promise<CertificatePolicy> {
    requireObjectName(name);
    const input = parseInput(policyInput, body ?? {}, 'certificate policy');
    const policy = resolvePolicy(input, this.#now(), await this.policy(vault, name));
    await requireVaultIssuer(this.#deps.issuers, vault, policy.issuer.name);
    return this.#deps.certificates.setAttachment(vault, name, POLICY_SLOT, policy, 'CertificatePolicyUpdate');
  }

  /** `GET /certificates/{name}/pending`. */
  async pending(vault: string, name: string): Promise<PendingOperation> {
    // No certificate of that name: CertificateNotFound (the attachment read says so), not Pending….
    const operation = await this.#deps.certificates.attachment<CertificateOperation>(
      vault,
      requireObjectName(name),
      OPERATION_SLOT,
    );
    if (!operation) throw pendingNotFound(name);
    return { name, operation: await settledOperation(this.#deps, vault, name, operation) };
  }

  /** `PATCH /certificates/{name}/pending` `{"cancellation_requested": true}` (external-issuance.ts). */
  async updatePending(vault: string, name: string, body: unknown): Promise<PendingOperation> {
    requireObjectName(name);
    const input = parseInput(pendingUpdateInput, body, 'certificate operation');
    const { operation } = await this.pending(vault, name);
    return requestCancellation(this.#deps, vault, name, operation, input.cancellation_requested);
  }

  /**
   * `POST /certificates/{name}/pending/merge`: the chain a CA signed from the operation's CSR becomes a
   * new version with the waiting version's key, and the operation is completed (external-issuance.ts).
   */
  async merge(vault: string, name: string, body: unknown): Promise<CertificateWithPolicy> {
    requireObjectName(name);
    const input = parseInput(certificateMergeInput, body, 'certificate merge');
    await this.#deps.vaults.get(vault);
    const { operation } = await this.pending(vault, name);
    return mergeSigned(this.#deps, { vault, name, operation, policy: await this.policy(vault, name) }, input);
  }

  /** `DELETE /certificates/{name}/pending`: forgets the operation and answers it one last time. */
  async deletePending(vault: string, name: string): Promise<PendingOperation> {
    const pending = await this.pending(vault, name);
    const mutation = removeAttachmentMutation(
      name,
      OPERATION_SLOT,
      pending.operation,
      'CertificatePendingDelete',
    );
    await commitLinked(this.#deps.committer, vault, name, mutation);
    return pending;
  }

  async #storedPolicy(vault: string, name: string): Promise<CertificatePolicy> {
    const policy = await this.#policyOf(vault, name).catch((error: unknown) => {
      if (isVaultError(error) && error.status === 404) return undefined;
      throw error;
    });
    if (!policy) throw policyRequired(name);
    return policy;
  }

  /** The creation operation; undefined when there is none, or no certificate of that name yet. */
  #operationOf(vault: string, name: string): Promise<CertificateOperation | undefined> {
    return this.#deps.certificates
      .attachment<CertificateOperation>(vault, name, OPERATION_SLOT)
      .catch((error: unknown) => {
        if (isVaultError(error) && error.status === 404) return undefined;
        throw error;
      });
  }

  /** The creation operation as it stands now (a delayed creation due by now settled); undefined as #operationOf. */
  async #settledOperationOf(vault: string, name: string): Promise<CertificateOperation | undefined> {
    const operation = await this.#operationOf(vault, name);
    return operation && settledOperation(this.#deps, vault, name, operation);
  }

  async #refuseWhileInProgress(vault: string, name: string): Promise<void> {
    if ((await this.#settledOperationOf(vault, name))?.status === 'inProgress') throw pendingInProgress();
  }

  #policyOf(vault: string, name: string): Promise<CertificatePolicy | undefined> {
    return this.#deps.certificates.attachment<CertificatePolicy>(vault, name, POLICY_SLOT);
  }

  #now(): number {
    return Math.floor(this.#deps.clock.now() / 1000);
  }
}
