import { randomBytes } from 'node:crypto';
import type { Clock } from '@vaultover/foundation';
import type { OperationName } from '../catalogue.ts';
import type { Sealer } from '../crypto/sealer.ts';
import { isVaultError } from '../errors.ts';
import type { KeyDoc } from '../keys/key-doc.ts';
import type { SecretDoc } from '../secrets/secret-store.ts';
import type { Committer } from '../store/committer.ts';
import { newVersionId, type ObjectRepository } from '../store/object-repository.ts';
import type { Page, PageRequest } from '../store/paging.ts';
import type { VaultRegistry } from '../store/vault-registry.ts';
import { parseInput, requireObjectName } from '../validation.ts';
import type { CertificateDoc, CertificateOperation, CertificateVersion } from './certificate-doc.ts';
import { OPERATION_SLOT } from './certificate-doc.ts';
import { manualIssuanceUnsupported, pendingNotFound, policyRequired } from './certificate-errors.ts';
import { isPem, readImport } from './certificate-import.ts';
import { certificateCreateInput, certificateImportInput, policyInput } from './certificate-input.ts';
import { type CertificatePolicy, POLICY_SLOT, resolvePolicy } from './certificate-policy.ts';
import { commitLinked, newVersionMutation, removeAttachmentMutation } from './linked-objects.ts';
import { type VersionMaterial, versionDocs } from './managed-version.ts';
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
}

/** A certificate version with the certificate's policy, as bundles carry it. */
export interface CertificateWithPolicy {
  certificate: CertificateVersion;
  policy: CertificatePolicy | undefined;
}

/** A certificate's creation operation. */
export interface PendingOperation {
  name: string;
  operation: CertificateOperation;
}

interface NewVersionPlan {
  policy: CertificatePolicy;
  material: VersionMaterial;
  enabled: boolean;
  tags?: Record<string, string> | undefined;
  /** The creation operation to keep, or null to remove one left from an earlier create. */
  operation: CertificateOperation | null;
}

/**
 * The certificates of every vault in a region: self-signed creation from a policy, import, reads,
 * the policy and the creation operation. Every new version writes the certificate, its managed key
 * and its managed secret in one mutation (linked-objects.ts). Lifecycle: certificate-lifecycle.ts.
 */
export class CertificateStore {
  readonly #deps: CertificateStoreDeps;

  constructor(deps: CertificateStoreDeps) {
    this.#deps = deps;
  }

  /** `POST /certificates/{name}/create`: issues the certificate at once; the operation is already completed. */
  async create(vault: string, name: string, body: unknown): Promise<PendingOperation> {
    requireObjectName(name);
    const input = parseInput(certificateCreateInput, body, 'certificate');
    await this.#deps.vaults.get(vault);
    const now = this.#now();
    const policy = input.policy ? resolvePolicy(input.policy, now) : await this.#storedPolicy(vault, name);
    if (policy.issuer.name !== SELF_ISSUER) throw manualIssuanceUnsupported();
    await linkedHeads(this.#deps, vault, name); // a foreign key or secret of this name: refuse before generating
    const privateKey = (await reusableKey(this.#deps, vault, name, policy)) ?? (await newPrivateKey(policy));
    const der = privateKey.export({ type: 'pkcs8', format: 'der' });
    const { issueSelfSigned } = await import('./self-signed.ts');
    const issued = await issueSelfSigned(policy, der, new Date(this.#deps.clock.now()));
    der.fill(0);
    const operation: CertificateOperation = {
      issuer: policy.issuer,
      csr: issued.csrDer.toString('base64'),
      cancellation_requested: false,
      status: 'completed',
      request_id: randomBytes(16).toString('hex'),
    };
    const material = { certificateDer: issued.certificateDer, privateKey };
    const plan = {
      policy,
      material,
      enabled: input.attributes?.enabled ?? true,
      tags: input.tags,
      operation,
    };
    await this.#addVersion(vault, name, plan, 'CertificateCreate');
    return { name, operation };
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
    const plan = {
      policy,
      material,
      enabled: input.attributes?.enabled ?? true,
      tags: input.tags,
      operation: null,
    };
    const certificate = await this.#addVersion(vault, name, plan, 'CertificateImport');
    return { certificate, policy };
  }

  /** A version (latest when empty) with the certificate's policy. */
  async get(vault: string, name: string, version?: string): Promise<CertificateWithPolicy> {
    const certificate = await this.#deps.certificates.version(vault, requireObjectName(name), version);
    return { certificate, policy: await this.#policyOf(vault, name) };
  }

  list(vault: string, page: PageRequest): Promise<Page<CertificateVersion>> {
    return this.#deps.certificates.listLive(vault, page);
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
    return this.#deps.certificates.setAttachment(vault, name, POLICY_SLOT, policy, 'CertificatePolicyUpdate');
  }

  /** `GET /certificates/{name}/pending`. */
  async pending(vault: string, name: string): Promise<PendingOperation> {
    const slot = OPERATION_SLOT;
    const operation = await this.#deps.certificates.attachment<CertificateOperation>(
      vault,
      requireObjectName(name),
      slot,
    );
    if (!operation) throw pendingNotFound(name);
    return { name, operation };
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

  async #addVersion(vault: string, name: string, plan: NewVersionPlan, operation: OperationName) {
    const expectedHeads = await linkedHeads(this.#deps, vault, name);
    const version = newVersionId();
    const place = { vault, name, version, now: this.#now(), enabled: plan.enabled, tags: plan.tags };
    const docs = await versionDocs(this.#deps.sealer, place, plan.policy, plan.material);
    const attachments = { [POLICY_SLOT]: plan.policy, [OPERATION_SLOT]: plan.operation };
    const change = { name, version, docs, expectedHeads, attachments };
    await commitLinked(this.#deps.committer, vault, name, newVersionMutation(change, operation));
    return { name, version, doc: docs.certificate };
  }

  async #storedPolicy(vault: string, name: string): Promise<CertificatePolicy> {
    const policy = await this.#policyOf(vault, name).catch((error: unknown) => {
      if (isVaultError(error) && error.status === 404) return undefined;
      throw error;
    });
    if (!policy) throw policyRequired(name);
    return policy;
  }

  #policyOf(vault: string, name: string): Promise<CertificatePolicy | undefined> {
    return this.#deps.certificates.attachment<CertificatePolicy>(vault, name, POLICY_SLOT);
  }

  #now(): number {
    return Math.floor(this.#deps.clock.now() / 1000);
  }
}
