import { purgeProtected } from '../object-errors.ts';
import { restoreInput } from '../object-input.ts';
import { CERTIFICATE, KEY, SECRET } from '../object-kind.ts';
import type { Deletion, DeletionListener } from '../store/object-repository.ts';
import type { Page, PageRequest } from '../store/paging.ts';
import { settlesAt } from '../store/propagation.ts';
import { parseInput, requireObjectName } from '../validation.ts';
import { certificateBackupBlob, certificateBackupContents } from './certificate-backup.ts';
import type { CertificateDoc, DeletedCertificate } from './certificate-doc.ts';
import { LinkedChangedError } from './certificate-errors.ts';
import { certificateUpdateInput } from './certificate-input.ts';
import { requireVaultIssuer } from './certificate-issuers.ts';
import { type CertificatePolicy, POLICY_SLOT, resolvePolicy } from './certificate-policy.ts';
import {
  type CertificateListOptions,
  type CertificateStoreDeps,
  type CertificateWithPolicy,
  withoutPending,
} from './certificate-store.ts';
import {
  commitLinked,
  purgeMutation,
  recoverMutation,
  restoreMutation,
  softDeleteMutation,
  versionUpdateMutation,
  withAttachment,
} from './linked-objects.ts';
import { commitNewVersions } from './new-version.ts';

const DAY_SECONDS = 86_400;
const MAX_UPDATE_ATTEMPTS = 8;

/**
 * Properties, soft delete, recovery, purge, backup and restore of certificates. Each is one mutation
 * over the certificate and its managed key and secret, so they always share one fate; the purge
 * scheduler is told about the certificate alone (its purge takes the key and secret with it).
 */
export class CertificateLifecycle {
  readonly #deps: CertificateStoreDeps;
  readonly #deletions: DeletionListener | undefined;

  constructor(deps: CertificateStoreDeps, deletions?: DeletionListener) {
    this.#deps = deps;
    this.#deletions = deletions;
  }

  /** `PATCH /certificates/{name}/{version}`: tags, enabled (mirrored on the key and secret), policy. */
  async update(
    vault: string,
    name: string,
    version: string | undefined,
    body: unknown,
  ): Promise<CertificateWithPolicy> {
    requireObjectName(name);
    const input = parseInput(certificateUpdateInput, body ?? {}, 'certificate properties');
    for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
      const { certificates, keys, secrets } = this.#deps;
      const current = await certificates.version(vault, name, version);
      const now = this.#now();
      const enabled = input.attributes?.enabled ?? current.doc.attributes.enabled;
      const next: CertificateDoc = {
        ...current.doc,
        tags: input.tags ?? current.doc.tags,
        attributes: { ...current.doc.attributes, enabled, updated: now },
      };
      const changes: { kind: typeof CERTIFICATE; before: unknown; after: unknown }[] = [
        { kind: CERTIFICATE, before: current.doc, after: next },
      ];
      if (enabled !== current.doc.attributes.enabled) {
        for (const [kind, repository] of [
          [KEY, keys],
          [SECRET, secrets],
        ] as const) {
          const { doc } = await repository.version(vault, name, current.version);
          changes.push({
            kind,
            before: doc,
            after: { ...doc, attributes: { ...doc.attributes, enabled, updated: now } },
          });
        }
      }
      const mutation = versionUpdateMutation(name, current.version, changes, 'CertificateUpdate');
      let policy = await certificates.attachment<CertificatePolicy>(vault, name, POLICY_SLOT);
      if (input.policy) {
        policy = resolvePolicy(input.policy, now, policy);
        await requireVaultIssuer(this.#deps.issuers, vault, policy.issuer.name);
        withAttachment(mutation, name, POLICY_SLOT, policy);
      }
      try {
        await commitLinked(this.#deps.committer, vault, name, mutation);
        return { certificate: { ...current, doc: next }, policy };
      } catch (error) {
        if (!(error instanceof LinkedChangedError)) throw error;
      }
    }
    throw new LinkedChangedError(name);
  }

  /** Soft-deletes the certificate with its key and secret, for the vault's retention period. */
  async delete(
    vault: string,
    name: string,
  ): Promise<{ deleted: DeletedCertificate; policy: CertificatePolicy | undefined }> {
    const properties = await this.#deps.vaults.get(vault);
    const latest = await this.#deps.certificates.latest(vault, requireObjectName(name));
    const policy = await this.#deps.certificates.attachment<CertificatePolicy>(vault, name, POLICY_SLOT);
    const deletedDate = this.#now();
    const deletion = {
      deletedDate,
      scheduledPurgeDate: deletedDate + properties.retentionDays * DAY_SECONDS,
    };
    const mutation = softDeleteMutation(name, deletion, this.#settlesAt());
    await commitLinked(this.#deps.committer, vault, name, mutation);
    await this.#deletions?.deleted(vault, CERTIFICATE, name, deletion);
    return { deleted: { ...latest, deletion }, policy };
  }

  getDeleted(vault: string, name: string): Promise<DeletedCertificate> {
    return this.#deps.certificates.deleted(vault, requireObjectName(name));
  }

  async listDeleted(
    vault: string,
    page: PageRequest,
    options: CertificateListOptions = {},
  ): Promise<Page<DeletedCertificate>> {
    return withoutPending(await this.#deps.certificates.listDeleted(vault, page), options);
  }

  /** Brings the certificate back, and its key and secret with it. */
  async recover(vault: string, name: string): Promise<CertificateWithPolicy> {
    const deleted = await this.#deps.certificates.deletedToChange(vault, requireObjectName(name));
    const mutation = recoverMutation(name, deleted.deletion, this.#settlesAt());
    await commitLinked(this.#deps.committer, vault, name, mutation);
    await this.#deletions?.recovered(vault, CERTIFICATE, name, deleted.deletion);
    const policy = await this.#deps.certificates.storedAttachment<CertificatePolicy>(
      vault,
      name,
      POLICY_SLOT,
    );
    return { certificate: { name, version: deleted.version, doc: deleted.doc }, policy };
  }

  /** Removes the certificate, its key and its secret for good; `expected` pins the deletion (scheduled purges). */
  async purge(vault: string, name: string, expected?: Deletion): Promise<void> {
    const properties = await this.#deps.vaults.get(vault);
    const { deletion } = await this.#deps.certificates.deletedToChange(vault, requireObjectName(name));
    if (properties.purgeProtection && this.#now() < deletion.scheduledPurgeDate) throw purgeProtected();
    const mutation = purgeMutation(name, expected ?? deletion, 'CertificatePurge', this.#settlesAt());
    await commitLinked(this.#deps.committer, vault, name, mutation);
  }

  /** An opaque, sealed blob with every version of the certificate, its key and its secret, and the policy. */
  async backup(vault: string, name: string): Promise<Buffer> {
    requireObjectName(name);
    const { certificates, keys, secrets, sealer } = this.#deps;
    const [certificate, key, secret] = await Promise.all([
      certificates.export(vault, name),
      keys.export(vault, name),
      secrets.export(vault, name),
    ]);
    return certificateBackupBlob(sealer, vault, name, { certificate, key, secret });
  }

  /** Restores a backup under its original name; 409 when the name is in use by any of the three. */
  async restore(vault: string, body: unknown): Promise<CertificateWithPolicy> {
    const input = parseInput(restoreInput, body, 'restore request');
    await this.#deps.vaults.get(vault);
    const blob = Buffer.from(input.value, 'base64url');
    const { name, objects } = certificateBackupContents(this.#deps.sealer, vault, blob);
    const versions = { certificate: objects.certificate, key: objects.key, secret: objects.secret };
    await commitNewVersions(this.#deps, vault, name, {
      operation: 'CertificateRestore',
      mutation: () => restoreMutation(name, objects.head, versions, objects.attachments),
      restoredHead: objects.head,
    });
    const doc = objects.certificate[objects.head] as CertificateDoc;
    return {
      certificate: { name, version: objects.head, doc },
      policy: objects.attachments[POLICY_SLOT] as CertificatePolicy,
    };
  }

  /** When a delete, recover or purge now becomes visible, with a propagation delay (store/propagation.ts). */
  #settlesAt(): string | undefined {
    return settlesAt(this.#deps.clock, this.#deps.delays?.deleteRecoverMs);
  }

  #now(): number {
    return Math.floor(this.#deps.clock.now() / 1000);
  }
}
