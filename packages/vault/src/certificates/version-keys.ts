import { createPrivateKey, type KeyObject } from 'node:crypto';
import type { Sealer } from '../crypto/sealer.ts';
import { isVaultError } from '../errors.ts';
import type { KeyDoc } from '../keys/key-doc.ts';
import { privateKeyContext } from '../keys/key-doc.ts';
import { generateKeyMaterial } from '../keys/key-material.ts';
import { KEY, type ObjectKind, SECRET } from '../object-kind.ts';
import type { SecretDoc } from '../secrets/secret-store.ts';
import type { ObjectRepository } from '../store/object-repository.ts';
import type { CertificatePolicy } from './certificate-policy.ts';
import type { CertificateStoreDeps } from './certificate-store.ts';
import { nameTaken } from './linked-objects.ts';

// What a new certificate version starts from: the current heads of its managed key and secret (which
// the version's mutation then requires unchanged), and its key pair, fresh or reused.

/** Heads of the key and secret of this name (null: none), refusing ones no certificate manages. */
export async function linkedHeads(
  deps: Pick<CertificateStoreDeps, 'keys' | 'secrets'>,
  vault: string,
  name: string,
): Promise<{ key: string | null; secret: string | null }> {
  const head = async (
    repository: ObjectRepository<KeyDoc> | ObjectRepository<SecretDoc>,
    kind: ObjectKind,
  ) => {
    try {
      const latest = await repository.latest(vault, name);
      if (!latest.doc.managed) throw nameTaken(kind, name);
      return latest.version;
    } catch (error) {
      if (isVaultError(error) && error.status === 404) return null;
      throw error;
    }
  };
  return { key: await head(deps.keys, KEY), secret: await head(deps.secrets, SECRET) };
}

/** The latest key pair when the policy asks to reuse it (`reuse_key`) and it still fits the policy. */
export async function reusableKey(
  deps: Pick<CertificateStoreDeps, 'keys' | 'sealer'>,
  vault: string,
  name: string,
  policy: CertificatePolicy,
): Promise<KeyObject | undefined> {
  if (!policy.key_props.reuse_key) return undefined;
  const latest = await deps.keys.latest(vault, name).catch((error: unknown) => {
    // No key of that name (a first version, or a deleted one): nothing to reuse. Anything else, say
    // Redis failing, is not a reason to make a new key in silence.
    if (isVaultError(error) && error.status === 404) return undefined;
    throw error;
  });
  if (!latest?.doc.managed || latest.doc.kty !== policy.key_props.kty) return undefined;
  const crv = 'crv' in latest.doc.publicJwk ? latest.doc.publicJwk.crv : undefined;
  if (crv !== policy.key_props.crv || (!crv && latest.doc.keySize !== policy.key_props.key_size))
    return undefined;
  return unsealedKey(deps.sealer, vault, name, latest.version, latest.doc);
}

/** The private key of a managed key version, opened from its seal (bound to its place). */
export function unsealedKey(
  sealer: Sealer,
  vault: string,
  name: string,
  version: string,
  doc: KeyDoc,
): KeyObject {
  const der = sealer.open(doc.privateKey, privateKeyContext(vault, name, version));
  const key = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  der.fill(0);
  return key;
}

/** A fresh key pair of the policy's type, size or curve (generated off the event loop). */
export async function newPrivateKey(policy: CertificatePolicy): Promise<KeyObject> {
  const { crv, key_size } = policy.key_props;
  const spec = crv
    ? { family: 'ec' as const, curve: crv }
    : { family: 'rsa' as const, size: key_size ?? 2048 };
  const material = await generateKeyMaterial(spec);
  const key = createPrivateKey({ key: material.privateKeyDer, format: 'der', type: 'pkcs8' });
  material.privateKeyDer.fill(0);
  return key;
}
