import { ConflictError } from '../errors.ts';
import { GuardFailedError } from '../store/committer.ts';
import { Mutation } from '../store/mutation.ts';
import { rel, vaultPrefix } from '../store/vault-keys.ts';
import { parseInput } from '../validation.ts';
import type { CertificateSettingsDeps } from './certificate-issuers.ts';
import { contactsNotFound } from './issuer-errors.ts';
import { contactsInput } from './issuer-input.ts';

/** One contact for the vault's certificates: who is told about them (the SDK's CertificateContact). */
export interface CertificateContact {
  email?: string | undefined;
  name?: string | undefined;
  phone?: string | undefined;
}

const FIELD = 'doc';

/**
 * The certificate contacts of every vault in a region (`/certificates/contacts`): one list per vault,
 * set whole, read, deleted. Stored (the hash `contacts`, field `doc`), never e-mailed. Each write is one
 * mutation, so it replicates like every other write.
 */
export class CertificateContacts {
  readonly #deps: CertificateSettingsDeps;

  constructor(deps: CertificateSettingsDeps) {
    this.#deps = deps;
  }

  /** `PUT`: replaces the whole list. */
  async set(vault: string, body: unknown): Promise<CertificateContact[]> {
    const { contacts } = parseInput(contactsInput, body, 'contacts');
    await this.#deps.vaults.get(vault);
    const mutation = new Mutation('CertificateContactsSet').hset(
      rel.contacts(),
      FIELD,
      JSON.stringify(contacts),
    );
    await this.#deps.committer.commit(vault, mutation);
    return contacts;
  }

  /** `GET`; 404 `ContactsNotFound` until contacts are set, and after they are deleted. */
  async get(vault: string): Promise<CertificateContact[]> {
    const raw = await this.#read(vault);
    if (!raw) throw contactsNotFound();
    return JSON.parse(raw) as CertificateContact[];
  }

  /** `DELETE`: removes the list and answers it one last time. */
  async delete(vault: string): Promise<CertificateContact[]> {
    await this.#deps.vaults.get(vault);
    const raw = await this.#read(vault);
    if (!raw) throw contactsNotFound();
    // Only the list read is removed: a list set since makes this a conflict, not a silent loss.
    const mutation = new Mutation('CertificateContactsDelete')
      .requireFieldValue(rel.contacts(), FIELD, raw, { on: 'contacts', failure: 'changed' })
      .hdel(rel.contacts(), FIELD);
    try {
      await this.#deps.committer.commit(vault, mutation);
    } catch (error) {
      if (!(error instanceof GuardFailedError)) throw error;
      throw new ConflictError('The certificate contacts changed under this request; retry it.');
    }
    return JSON.parse(raw) as CertificateContact[];
  }

  async #read(vault: string): Promise<string | null> {
    return this.#deps.redis.hget(vaultPrefix(vault) + rel.contacts(), FIELD);
  }
}
