import type { Sealer } from '../crypto/sealer.ts';
import { UnsealError } from '../crypto/sealer.ts';
import { BadParameterError } from '../errors.ts';
import type { ObjectExport } from './object-repository.ts';

const MAGIC = Buffer.from('VOB1');
const FORMAT_VERSION = 1;

/** What a backup blob holds: every version of one object, with its secret material in the clear inside the sealed blob. */
export interface BackupContents<T> extends ObjectExport<T> {
  kind: string;
  name: string;
}

interface Envelope<T> extends BackupContents<T> {
  format: 'vaultover-backup';
  formatVersion: number;
}

/** Backups are opaque to clients: sealed under the master key, bound to the object kind, versioned. */
export function encodeBackup<T>(sealer: Sealer, contents: BackupContents<T>): Buffer {
  const envelope: Envelope<T> = { format: 'vaultover-backup', formatVersion: FORMAT_VERSION, ...contents };
  return Buffer.concat([MAGIC, sealer.sealBytes(JSON.stringify(envelope), context(contents.kind))]);
}

/**
 * The real service's answer to a restore of bytes that are not one of its backups, the same text for
 * secrets, keys and certificates (asserted by the Azure SDKs' own tests of all three clients).
 */
export const CORRUPT_BACKUP_MESSAGE = 'Backup blob contains invalid or corrupt version.';

export function decodeBackup<T>(sealer: Sealer, kind: string, blob: Uint8Array): BackupContents<T> {
  // Every way a blob can fail (not ours, tampered with, another kind's, another format version) gets
  // the service's one text: a client can act on none of the differences.
  const invalid = () => new BadParameterError(CORRUPT_BACKUP_MESSAGE);
  if (blob.length < MAGIC.length || !MAGIC.equals(blob.subarray(0, MAGIC.length))) throw invalid();
  let envelope: Envelope<T>;
  try {
    envelope = JSON.parse(
      sealer.openBytes(blob.subarray(MAGIC.length), context(kind)).toString('utf8'),
    ) as Envelope<T>;
  } catch (error) {
    if (error instanceof UnsealError || error instanceof SyntaxError) throw invalid();
    throw error;
  }
  if (envelope.format !== 'vaultover-backup' || envelope.kind !== kind) throw invalid();
  if (envelope.formatVersion !== FORMAT_VERSION) throw invalid();
  if (!envelope.versions[envelope.head]) throw invalid();
  const contents = {
    kind: envelope.kind,
    name: envelope.name,
    head: envelope.head,
    versions: envelope.versions,
  };
  return envelope.attachments ? { ...contents, attachments: envelope.attachments } : contents;
}

function context(kind: string): string {
  return `vaultover-backup/v${FORMAT_VERSION}/${kind}`;
}
