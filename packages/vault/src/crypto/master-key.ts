import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface MasterKeySource {
  /** Base64 of 32 bytes, from configuration. Wins over the file. */
  key?: string | undefined;
  /** Directory where `master.key` is kept (generated on first use). */
  dataDir: string;
}

/** Loads the deployment's master key: from configuration, else from `<dataDir>/master.key`, generated once. */
export function loadMasterKey(source: MasterKeySource): Buffer {
  if (source.key) return decode(source.key, 'configuration (masterKey)');
  const file = join(source.dataDir, 'master.key');
  mkdirSync(source.dataDir, { recursive: true });
  // Write a complete temporary file, then link it into place: link fails when the key exists, so two
  // processes starting together agree on the first key and nobody ever reads a half-written file.
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temporary, randomBytes(32).toString('base64'), { mode: 0o600 });
  try {
    linkSync(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temporary);
  }
  return decode(readFileSync(file, 'utf8').trim(), file);
}

function decode(base64: string, where: string): Buffer {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32)
    throw new RangeError(`master key in ${where} must be 32 bytes of base64, got ${key.length} bytes`);
  return key;
}
