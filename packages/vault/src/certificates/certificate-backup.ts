import type { Sealer } from '../crypto/sealer.ts';
import { type KeyBackupDoc, type KeyDoc, privateKeyContext } from '../keys/key-doc.ts';
import { CERTIFICATE } from '../object-kind.ts';
import { type SecretDoc, valueContext } from '../secrets/secret-store.ts';
import { decodeBackup, encodeBackup } from '../store/backup-blob.ts';
import type { ObjectExport } from '../store/object-repository.ts';
import type { CertificateDoc } from './certificate-doc.ts';

// Backups of certificates carry the certificate, its managed key and its managed secret: every
// version of the three (they share versions), private key and secret value in the clear inside the
// sealed blob, because their sealed forms are bound to their place and a restore may be elsewhere.

interface BackupVersion {
  certificate: CertificateDoc;
  key: KeyBackupDoc;
  secret: SecretDoc;
}

/** The three objects of a certificate as stored (sealed for `vault`/`name`). */
export interface LinkedExport {
  head: string;
  certificate: Record<string, CertificateDoc>;
  key: Record<string, KeyDoc>;
  secret: Record<string, SecretDoc>;
  attachments: Record<string, unknown>;
}

export function certificateBackupBlob(
  sealer: Sealer,
  vault: string,
  name: string,
  exports: {
    certificate: ObjectExport<CertificateDoc>;
    key: ObjectExport<KeyDoc>;
    secret: ObjectExport<SecretDoc>;
  },
): Buffer {
  const versions: Record<string, BackupVersion> = {};
  for (const [version, certificate] of Object.entries(exports.certificate.versions)) {
    const key = exports.key.versions[version];
    const secret = exports.secret.versions[version];
    if (!key || !secret)
      throw new Error(`certificate ${name} version ${version} lacks its managed key or secret`);
    const { privateKey, ...publicPart } = key;
    const der = sealer.open(privateKey, privateKeyContext(vault, name, version));
    versions[version] = {
      certificate,
      key: { ...publicPart, privateKeyDer: der.toString('base64') },
      secret: { ...secret, value: sealer.openText(secret.value, valueContext(vault, name, version)) },
    };
    der.fill(0);
  }
  const { head, attachments } = exports.certificate;
  return encodeBackup(sealer, { kind: CERTIFICATE.id, name, head, versions, attachments: attachments ?? {} });
}

/** What a blob restores into `vault`: its name and the three objects sealed for their new place. */
export function certificateBackupContents(
  sealer: Sealer,
  vault: string,
  blob: Buffer,
): { name: string; objects: LinkedExport } {
  const contents = decodeBackup<BackupVersion>(sealer, CERTIFICATE.id, blob);
  const { name } = contents;
  const objects: LinkedExport = {
    head: contents.head,
    certificate: {},
    key: {},
    secret: {},
    attachments: contents.attachments ?? {},
  };
  for (const [version, doc] of Object.entries(contents.versions)) {
    const { privateKeyDer, ...publicPart } = doc.key;
    const der = Buffer.from(privateKeyDer, 'base64');
    objects.certificate[version] = doc.certificate;
    objects.key[version] = {
      ...publicPart,
      privateKey: sealer.seal(der, privateKeyContext(vault, name, version)),
    };
    objects.secret[version] = {
      ...doc.secret,
      value: sealer.seal(doc.secret.value, valueContext(vault, name, version)),
    };
    der.fill(0);
  }
  return { name, objects };
}
