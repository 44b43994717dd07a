import type { Sealer } from '../crypto/sealer.ts';
import { KEY } from '../object-kind.ts';
import { decodeBackup, encodeBackup } from '../store/backup-blob.ts';
import type { ObjectExport } from '../store/object-repository.ts';
import { type KeyBackupDoc, type KeyDoc, privateKeyContext } from './key-doc.ts';

// Backups of keys: inside the sealed blob every version carries its private key in the clear (PKCS#8),
// because the sealed form is bound to the key's place and a restore may put it elsewhere.

/** The blob for every version of `name` in `vault`, private keys unsealed into the (sealed) blob. */
export function keyBackupBlob(
  sealer: Sealer,
  vault: string,
  name: string,
  exported: ObjectExport<KeyDoc>,
): Buffer {
  const versions: Record<string, KeyBackupDoc> = {};
  for (const [version, doc] of Object.entries(exported.versions)) {
    const { privateKey, ...rest } = doc;
    const der = sealer.open(privateKey, privateKeyContext(vault, name, version));
    versions[version] = { ...rest, privateKeyDer: der.toString('base64') };
    der.fill(0);
  }
  return encodeBackup(sealer, { ...exported, kind: KEY.id, name, versions });
}

/** What a blob restores into `vault`: its name and every version with its private key sealed for its new place. */
export function keyBackupContents(
  sealer: Sealer,
  vault: string,
  blob: Buffer,
): { name: string; object: ObjectExport<KeyDoc> } {
  const contents = decodeBackup<KeyBackupDoc>(sealer, KEY.id, blob);
  const versions: Record<string, KeyDoc> = {};
  for (const [version, doc] of Object.entries(contents.versions)) {
    const { privateKeyDer, ...rest } = doc;
    const der = Buffer.from(privateKeyDer, 'base64');
    versions[version] = {
      ...rest,
      privateKey: sealer.seal(der, privateKeyContext(vault, contents.name, version)),
    };
    der.fill(0);
  }
  const { head, attachments } = contents;
  return { name: contents.name, object: attachments ? { head, versions, attachments } : { head, versions } };
}
