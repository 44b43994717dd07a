import type { DeletedObject, ObjectVersion, VersionDoc } from '../store/object-repository.ts';
import type { CurveName, KeyOperation, KeyType } from './key-types.ts';
import type { ReleasePolicy } from './release-policy.ts';

/** The public half of a key, as the JWK fields the service returns (base64url, no padding). */
export type PublicJwk = { n: string; e: string } | { crv: CurveName; x: string; y: string };

/**
 * A stored key version. Only the public JWK is kept readable; the private key is a PKCS#8 DER
 * sealed under the master key, bound to vault/key/name/version. Responses are built from the rest.
 */
export interface KeyDoc extends VersionDoc {
  kty: KeyType;
  keyOps: KeyOperation[];
  publicJwk: PublicJwk;
  /** Sealed PKCS#8 DER of the private key (`Sealer.seal`). Never leaves the store unsealed except into a backup. */
  privateKey: string;
  /** RSA modulus size in bits; absent for EC. */
  keySize?: number | undefined;
  exportable?: boolean | undefined;
  /** Secure key release: the rules under which an exportable key version may leave the vault. */
  releasePolicy?: ReleasePolicy | undefined;
  /** Set for keys that back a certificate. */
  managed?: boolean | undefined;
}

export type KeyVersion = ObjectVersion<KeyDoc>;
export type DeletedKey = DeletedObject<KeyDoc>;

/** A key version as a backup blob carries it: the private key in the clear (the blob itself is sealed). */
export interface KeyBackupDoc extends Omit<KeyDoc, 'privateKey'> {
  privateKeyDer: string;
}

/** Binds a sealed private key to its place, so a sealed key copied into another object does not open. */
export function privateKeyContext(vault: string, name: string, version: string): string {
  return `${vault}/key/${name}/${version}`;
}
