import { refuseManaged, unmanagedDoc, unmanagedLatest } from '../certificates/managed-guard.ts';
import type { Sealer } from '../crypto/sealer.ts';
import { newAttributes, patchAttributes, restoreInput } from '../object-input.ts';
import { KEY } from '../object-kind.ts';
import type { ObjectRepository } from '../store/object-repository.ts';
import type { Page, PageRequest } from '../store/paging.ts';
import { StandaloneLifecycle } from '../store/standalone-lifecycle.ts';
import { parseInput, requireObjectName } from '../validation.ts';
import { keyBackupBlob, keyBackupContents } from './key-backup.ts';
import { type KeyDoc, type KeyVersion, privateKeyContext } from './key-doc.ts';
import {
  exportableIsFixed,
  immutablePolicy,
  keyNotExportable,
  policyNeedsExportable,
  releasePolicyNotSatisfied,
} from './key-errors.ts';
import { type KeyUpdateInput, keyCreateInput, keyImportInput, keyUpdateInput } from './key-input.ts';
import { generateKeyMaterial, type KeyMaterial, materialOf, privateKeyFromJwk } from './key-material.ts';
import {
  type AttestationVerifier,
  DEFAULT_RELEASE_ENCRYPTION,
  keyReleaseInput,
  type ReleaseEncryption,
  runtimeKeyOf,
  wrapForRelease,
} from './key-release.ts';
import {
  createSpec,
  keyOperationsOf,
  releaseTerms,
  requireImportableJwk,
  requireImportedKeySize,
  requireKeyType,
} from './key-rules.ts';
import type { KeyType } from './key-types.ts';
import {
  namesAuthority,
  type ReleasePolicy,
  releasePolicyFrom,
  releaseRulesOf,
  satisfies,
} from './release-policy.ts';
import {
  approximateDays,
  DEFAULT_ROTATION_POLICY,
  ROTATION_POLICY_SLOT,
  type RotationPolicy,
  rotationPolicyFrom,
  rotationPolicyInput,
} from './rotation-policy.ts';

interface NewAttributes {
  enabled?: boolean | undefined;
  nbf?: number | undefined;
  exp?: number | undefined;
  exportable?: boolean | undefined;
}

/** Everything about a new version except its material. */
interface VersionPlan {
  kty: KeyType;
  keyOps: KeyDoc['keyOps'];
  attributes?: NewAttributes | undefined;
  tags?: Record<string, string> | undefined;
  releasePolicy?: ReleasePolicy | undefined;
}

/** A released key version: its bundle's parts, and `key_hsm`, its private key wrapped for the target. */
export interface ReleasedKey {
  key: KeyVersion;
  keyHsm: string;
  /** What the answer echoes of the request (never the token). */
  request: { enc: ReleaseEncryption; nonce: string | undefined };
}

const DAY_SECONDS = 86_400;

/**
 * The keys of every vault in a region: creation and import of key pairs, their lifecycle and their
 * rotation policy, over the generic versioned object repository. Private keys are sealed before they
 * reach a document (so also the change log) and are opened only by KeyCryptography and backup.
 */
export class KeyStore extends StandaloneLifecycle<KeyDoc> {
  readonly #sealer: Sealer;

  constructor(repository: ObjectRepository<KeyDoc>, sealer: Sealer) {
    super(repository);
    this.#sealer = sealer;
  }

  /** `POST /keys/{name}/create`: generates a key pair (off the event loop) and stores it as a new version. */
  async create(vault: string, name: string, body: unknown): Promise<KeyVersion> {
    requireObjectName(name);
    const input = parseInput(keyCreateInput, body, 'key');
    const kty = requireKeyType(input.kty);
    const { releasePolicy } = releaseTerms(input.attributes?.exportable, input.release_policy);
    const spec = createSpec(input, kty);
    const plan = {
      kty,
      keyOps: keyOperationsOf(kty, input.key_ops),
      attributes: input.attributes,
      tags: input.tags,
      releasePolicy,
    };
    return this.#addVersion(vault, name, plan, await generateKeyMaterial(spec), 'KeyCreate');
  }

  /** `PUT /keys/{name}`: imports a key pair from a JWK with its private parts. */
  async import(vault: string, name: string, body: unknown): Promise<KeyVersion> {
    requireObjectName(name);
    const input = parseInput(keyImportInput, body, 'key import');
    const { kty, family } = requireImportableJwk(input.key);
    const { releasePolicy } = releaseTerms(input.attributes?.exportable, input.release_policy);
    const material = materialOf(privateKeyFromJwk(input.key, family));
    requireImportedKeySize(material.keySize);
    const stored: KeyType = input.Hsm ? (family === 'rsa' ? 'RSA-HSM' : 'EC-HSM') : kty;
    const keyOps = keyOperationsOf(stored, input.key.key_ops);
    const plan = { kty: stored, keyOps, attributes: input.attributes, tags: input.tags, releasePolicy };
    return this.#addVersion(vault, name, plan, material, 'KeyImport');
  }

  /** A version's public part and properties (latest when empty). A disabled key can still be read. */
  async get(vault: string, name: string, version?: string): Promise<KeyVersion> {
    return this.repository.version(vault, requireObjectName(name), version);
  }

  list(vault: string, page: PageRequest): Promise<Page<KeyVersion>> {
    return this.repository.listLive(vault, page);
  }

  async listVersions(vault: string, name: string, page: PageRequest): Promise<Page<KeyVersion>> {
    return this.repository.listVersions(vault, requireObjectName(name), page);
  }

  /** `PATCH /keys/{name}/{version}`: key_ops, enabled, nbf, exp and tags; the material never changes. */
  async update(vault: string, name: string, version: string | undefined, body: unknown): Promise<KeyVersion> {
    requireObjectName(name);
    const input = parseInput(keyUpdateInput, body, 'key properties');
    const now = this.repository.nowSeconds();
    return this.repository.update(
      vault,
      name,
      version,
      (doc) => {
        const exportable = input.attributes?.exportable;
        if (exportable !== undefined && exportable !== (doc.exportable ?? false)) throw exportableIsFixed();
        return {
          ...unmanagedDoc(KEY, name, doc, 'update'),
          keyOps: input.key_ops ? [...new Set(input.key_ops)] : doc.keyOps,
          tags: input.tags ?? doc.tags,
          attributes: patchAttributes(doc.attributes, input.attributes, now),
          releasePolicy:
            input.release_policy === undefined
              ? doc.releasePolicy
              : replacedPolicy(doc, input.release_policy),
        };
      },
      'KeyUpdate',
    );
  }

  /** A new version with a fresh key pair of the same type, size or curve, operations and tags. */
  async rotate(vault: string, name: string): Promise<KeyVersion> {
    const latest = await unmanagedLatest(this.repository, vault, requireObjectName(name), 'rotate');
    const { doc } = latest;
    const policy = await this.repository.attachment<RotationPolicy>(vault, name, ROTATION_POLICY_SLOT);
    const spec =
      'crv' in doc.publicJwk
        ? { family: 'ec' as const, curve: doc.publicJwk.crv }
        : { family: 'rsa' as const, size: doc.keySize ?? 2048 };
    const material = await generateKeyMaterial(spec);
    // After the generation (which can take seconds), so that exp is exactly created + expiryTime.
    const now = this.repository.nowSeconds();
    const lifetime = policy?.expiryTime
      ? Math.round(approximateDays(policy.expiryTime) * DAY_SECONDS)
      : undefined;
    const plan: VersionPlan = {
      kty: doc.kty,
      keyOps: doc.keyOps,
      tags: doc.tags,
      attributes: {
        enabled: true,
        exp: lifetime === undefined ? undefined : now + lifetime,
        exportable: doc.exportable,
      },
      releasePolicy: doc.releasePolicy,
    };
    return this.#addVersion(vault, name, plan, material, 'KeyRotate', now);
  }

  /** The key's rotation policy, or the service's default when none was set. */
  async rotationPolicy(vault: string, name: string): Promise<RotationPolicy> {
    const policy = await this.repository.attachment<RotationPolicy>(
      vault,
      requireObjectName(name),
      ROTATION_POLICY_SLOT,
    );
    return policy ?? DEFAULT_ROTATION_POLICY;
  }

  async setRotationPolicy(vault: string, name: string, body: unknown): Promise<RotationPolicy> {
    requireObjectName(name);
    const input = parseInput(rotationPolicyInput, body, 'rotation policy');
    const previous = await this.repository.attachment<RotationPolicy>(vault, name, ROTATION_POLICY_SLOT);
    const policy = rotationPolicyFrom(input, this.repository.nowSeconds(), previous);
    return this.repository.setAttachment(vault, name, ROTATION_POLICY_SLOT, policy, 'KeyRotationPolicySet');
  }

  /** An opaque, encrypted blob holding every version (private keys included) and the rotation policy. */
  async backup(vault: string, name: string): Promise<Buffer> {
    const exported = await this.repository.export(vault, requireObjectName(name));
    const head = exported.versions[exported.head];
    if (head) refuseManaged(KEY, name, head, 'backup');
    return keyBackupBlob(this.#sealer, vault, name, exported);
  }

  /** Restores a backup into `vault` under its original name; 409 when that name is in use. */
  async restore(vault: string, body: unknown): Promise<KeyVersion> {
    const input = parseInput(restoreInput, body, 'restore request');
    const { name, object } = keyBackupContents(this.#sealer, vault, Buffer.from(input.value, 'base64url'));
    return this.repository.import(vault, name, object, 'KeyRestore');
  }

  /**
   * `POST /keys/{name}/{version}/release`: the key version's private key wrapped for the key the
   * attestation token carries. Checked in order: the token is valid (`verifier`: signed by the
   * deployment's attestation authority, within its lifetime; first, as the real service refuses an
   * unverifiable target of a key that does not exist with 403, not 404), the key exists, it is
   * exportable, the policy names the token's issuer and its claims meet that authority's conditions.
   */
  async release(
    vault: string,
    name: string,
    version: string | undefined,
    body: unknown,
    verifier: AttestationVerifier,
  ): Promise<ReleasedKey> {
    const input = parseInput(keyReleaseInput, body, 'release request');
    const token = await verifier.verify(input.target);
    const key = await this.repository.version(vault, requireObjectName(name), version);
    const policy = key.doc.releasePolicy;
    if (!key.doc.exportable || !policy) throw keyNotExportable();
    const rules = releaseRulesOf(policy);
    if (!satisfies(rules, token.issuer, token.claims)) {
      throw releasePolicyNotSatisfied(namesAuthority(rules, token.issuer));
    }
    const target = runtimeKeyOf(token.claims);
    const enc = input.enc ?? DEFAULT_RELEASE_ENCRYPTION;
    const der = this.#sealer.open(key.doc.privateKey, privateKeyContext(vault, key.name, key.version));
    try {
      return { key, keyHsm: wrapForRelease(der, target, enc), request: { enc, nonce: input.nonce } };
    } finally {
      der.fill(0);
    }
  }

  #addVersion(
    vault: string,
    name: string,
    plan: VersionPlan,
    material: KeyMaterial,
    operation: 'KeyCreate' | 'KeyImport' | 'KeyRotate',
    now = this.repository.nowSeconds(),
  ): Promise<KeyVersion> {
    const created = this.repository.create(
      vault,
      name,
      (version) => ({
        kty: plan.kty,
        keyOps: plan.keyOps,
        publicJwk: material.publicJwk,
        privateKey: this.#sealer.seal(material.privateKeyDer, privateKeyContext(vault, name, version)),
        keySize: material.keySize,
        exportable: plan.attributes?.exportable,
        releasePolicy: plan.releasePolicy,
        tags: plan.tags,
        attributes: newAttributes(plan.attributes, now),
      }),
      operation,
    );
    // The clear DER is sealed into the document by now (or never will be): wipe it either way.
    return created.finally(() => material.privateKeyDer.fill(0));
  }
}

/** The policy an update sets: refused on a key that is not exportable, and over an immutable policy. */
function replacedPolicy(doc: KeyDoc, input: NonNullable<KeyUpdateInput['release_policy']>): ReleasePolicy {
  if (!doc.exportable) throw policyNeedsExportable();
  if (doc.releasePolicy?.immutable) throw immutablePolicy();
  return releasePolicyFrom(input);
}
