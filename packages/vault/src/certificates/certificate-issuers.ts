import type { Clock } from '@vaultover/foundation';
import type { OperationName } from '../catalogue.ts';
import type { Sealer } from '../crypto/sealer.ts';
import { ConflictError } from '../errors.ts';
import type { Committer } from '../store/committer.ts';
import { GuardFailedError } from '../store/committer.ts';
import { KeyedMutex } from '../store/keyed-mutex.ts';
import { Mutation } from '../store/mutation.ts';
import { decodeSkipToken, encodeSkipToken, type Page, type PageRequest, pageSize } from '../store/paging.ts';
import type { VaultRedis } from '../store/scripts.ts';
import { rel, vaultPrefix } from '../store/vault-keys.ts';
import type { VaultRegistry } from '../store/vault-registry.ts';
import { parseInput, requireObjectName } from '../validation.ts';
import { issuerNotFound } from './issuer-errors.ts';
import { type IssuerUpdateInput, issuerSetInput, issuerUpdateInput } from './issuer-input.ts';
import { isNamedIssuer, issuerNotOfVault } from './policy-rules.ts';

/** Which issuers a vault has: what a certificate policy naming one is checked against. */
export interface IssuerDirectory {
  has(vault: string, name: string): Promise<boolean>;
}

/**
 * Refuses a policy naming an issuer the vault does not have (Self and Unknown it always has). Without
 * a directory (a store made without issuers) only those two are known.
 */
export async function requireVaultIssuer(
  issuers: IssuerDirectory | undefined,
  vault: string,
  issuer: string,
): Promise<void> {
  if (isNamedIssuer(issuer) && !(await issuers?.has(vault, issuer))) throw issuerNotOfVault(issuer);
}

/** What the vault's certificate settings (issuers, contacts) are stored with. */
export interface CertificateSettingsDeps {
  redis: VaultRedis;
  committer: Committer;
  sealer: Sealer;
  vaults: VaultRegistry;
  clock: Clock;
}

export interface AdministratorDetails {
  first_name?: string | undefined;
  last_name?: string | undefined;
  email?: string | undefined;
  phone?: string | undefined;
}

export interface OrganizationDetails {
  id?: string | undefined;
  admin_details?: AdministratorDetails[] | undefined;
}

/** IntDate seconds, as on the wire. */
export interface IssuerAttributes {
  enabled: boolean;
  created: number;
  updated: number;
}

/** An issuer as stored: its password (`credentials.pwd`) sealed. */
interface IssuerDoc {
  provider: string;
  credentials?: { account_id?: string | undefined; pwd?: string | undefined } | undefined;
  org_details?: OrganizationDetails | undefined;
  attributes: IssuerAttributes;
}

/** An issuer as the service answers with it: never its password. */
export interface CertificateIssuer {
  name: string;
  provider: string;
  accountId: string | undefined;
  organization: OrganizationDetails | undefined;
  attributes: IssuerAttributes;
}

const MAX_UPDATE_ATTEMPTS = 8;

/**
 * The certificate issuers of every vault in a region (`/certificates/issuers`): the provider, the
 * account at the provider and its password, the organisation's administrators. They are stored, never
 * contacted: no certificate is issued through them. All of a vault's issuers are one hash,
 * `issuers` (name → document), written by one mutation each, so they replicate like every other write.
 */
export class CertificateIssuers implements IssuerDirectory {
  readonly #deps: CertificateSettingsDeps;
  readonly #writers = new KeyedMutex();

  constructor(deps: CertificateSettingsDeps) {
    this.#deps = deps;
  }

  /** `PUT`: creates the issuer, or replaces every field of an existing one (its creation date stays). */
  async set(vault: string, name: string, body: unknown): Promise<CertificateIssuer> {
    requireObjectName(name);
    const input = parseInput(issuerSetInput, body, 'issuer');
    await this.#deps.vaults.get(vault);
    return this.#writers.run(`${vault}/${name}`, async () => {
      const existing = await this.#read(vault, name);
      const now = this.#now();
      const doc: IssuerDoc = {
        provider: input.provider,
        credentials: this.#credentials(vault, name, input.credentials, undefined),
        org_details: input.org_details,
        attributes: {
          enabled: input.attributes?.enabled ?? true,
          created: existing?.attributes.created ?? now,
          updated: now,
        },
      };
      const mutation = new Mutation('CertificateIssuerSet').hset(rel.issuers(), name, JSON.stringify(doc));
      await this.#deps.committer.commit(vault, mutation);
      return view(name, doc);
    });
  }

  /** `GET`; 404 `CertificateIssuerNotFound` when there is none of that name. */
  async get(vault: string, name: string): Promise<CertificateIssuer> {
    requireObjectName(name);
    const doc = await this.#read(vault, name);
    if (!doc) throw issuerNotFound();
    return view(name, doc);
  }

  async has(vault: string, name: string): Promise<boolean> {
    return (await this.#read(vault, name)) !== undefined;
  }

  /** `PATCH`: the fields given replace the stored ones; a password not given is kept. */
  async update(vault: string, name: string, body: unknown): Promise<CertificateIssuer> {
    requireObjectName(name);
    const input = parseInput(issuerUpdateInput, body ?? {}, 'issuer');
    const next = await this.#change(vault, name, 'CertificateIssuerUpdate', (doc) =>
      this.#updated(vault, name, doc, input),
    );
    return view(name, next);
  }

  /** `DELETE`: removes the issuer and answers it one last time. */
  async delete(vault: string, name: string): Promise<CertificateIssuer> {
    requireObjectName(name);
    const removed = await this.#change(vault, name, 'CertificateIssuerDelete', () => undefined);
    return view(name, removed);
  }

  /** A page of the vault's issuers, in name order. */
  async list(vault: string, request: PageRequest): Promise<Page<CertificateIssuer>> {
    await this.#deps.vaults.get(vault);
    const after = request.skipToken
      ? decodeSkipToken<{ after: string }>(request.skipToken, 'after').after
      : undefined;
    const all = await this.#deps.redis.hgetall(vaultPrefix(vault) + rel.issuers());
    const names = Object.keys(all)
      .filter((name) => after === undefined || name > after)
      .sort();
    const size = pageSize(request);
    const items = names
      .slice(0, size)
      .map((name) => view(name, JSON.parse(all[name] as string) as IssuerDoc));
    const last = items.at(-1)?.name;
    return { items, skipToken: names.length > size && last ? encodeSkipToken({ after: last }) : undefined };
  }

  #updated(vault: string, name: string, doc: IssuerDoc, input: IssuerUpdateInput): IssuerDoc {
    return {
      provider: input.provider ?? doc.provider,
      credentials: this.#credentials(vault, name, input.credentials, doc.credentials),
      org_details: input.org_details ?? doc.org_details,
      attributes: {
        ...doc.attributes,
        enabled: input.attributes?.enabled ?? doc.attributes.enabled,
        updated: this.#now(),
      },
    };
  }

  /** The credentials to store: given fields replace `kept` ones; a given password is sealed at once. */
  #credentials(
    vault: string,
    name: string,
    given: IssuerUpdateInput['credentials'],
    kept: IssuerDoc['credentials'],
  ): IssuerDoc['credentials'] {
    const accountId = given?.account_id ?? kept?.account_id;
    const pwd =
      given?.pwd === undefined ? kept?.pwd : this.#deps.sealer.seal(given.pwd, passwordContext(vault, name));
    if (accountId === undefined && pwd === undefined) return undefined;
    return { account_id: accountId, pwd };
  }

  /**
   * Replaces the issuer's document by `change(current)` (removes it when that is undefined) and returns
   * the document it replaced or wrote. Writers of one issuer queue here; the compare-and-set guard still
   * protects against any other writer, with a few retries.
   */
  #change(
    vault: string,
    name: string,
    operation: OperationName,
    change: (doc: IssuerDoc) => IssuerDoc | undefined,
  ): Promise<IssuerDoc> {
    return this.#writers.run(`${vault}/${name}`, async () => {
      await this.#deps.vaults.get(vault);
      for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
        const [current] = await this.#readRaw(vault, name);
        if (!current) throw issuerNotFound();
        const doc = JSON.parse(current) as IssuerDoc;
        const next = change(structuredClone(doc));
        const mutation = new Mutation(operation).requireFieldValue(rel.issuers(), name, current, {
          on: 'issuer',
          failure: 'changed',
        });
        if (next) mutation.hset(rel.issuers(), name, JSON.stringify(next));
        else mutation.hdel(rel.issuers(), name);
        try {
          await this.#deps.committer.commit(vault, mutation);
          return next ?? doc;
        } catch (error) {
          if (!(error instanceof GuardFailedError)) throw error;
        }
      }
      throw new ConflictError(
        `The issuer ${name} kept changing under this request (other writers); retry it.`,
      );
    });
  }

  async #read(vault: string, name: string): Promise<IssuerDoc | undefined> {
    const [raw] = await this.#readRaw(vault, name);
    return raw ? (JSON.parse(raw) as IssuerDoc) : undefined;
  }

  #readRaw(vault: string, name: string): Promise<(string | null)[]> {
    return this.#deps.redis.hmget(vaultPrefix(vault) + rel.issuers(), name);
  }

  #now(): number {
    return Math.floor(this.#deps.clock.now() / 1000);
  }
}

/** Binds a sealed issuer password to its vault and issuer, as secret values are bound to their place. */
function passwordContext(vault: string, name: string): string {
  return `${vault}/issuer/${name}`;
}

function view(name: string, doc: IssuerDoc): CertificateIssuer {
  return {
    name,
    provider: doc.provider,
    accountId: doc.credentials?.account_id,
    organization: doc.org_details,
    attributes: doc.attributes,
  };
}
