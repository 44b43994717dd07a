import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createFileOnce } from '@vaultover/foundation';

/** Length of the deployment key: RFC 7518 wants an HS256 key at least as long as the hash. */
export const SIGNING_KEY_BYTES = 32;

/**
 * Returns the deployment's token signing key from `<dir>/token.key` (32 raw bytes, mode 0600),
 * creating it on first use. Processes racing to create it all end up with the same key:
 * each writes a complete temp file and hard-links it into place, which fails if the key
 * already exists, so the first link wins and the others read it.
 */
export async function ensureSigningKey(dir: string): Promise<Uint8Array> {
  const path = join(dir, 'token.key');
  const existing = await readKey(path);
  if (existing) return existing;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await createFileOnce(path, randomBytes(SIGNING_KEY_BYTES));
  const created = await readKey(path);
  if (!created) throw new Error(`${path} vanished right after it was created`);
  return created;
}

/**
 * Reads the key `ensureSigningKey` created in `dir`, without creating one: a client pointed at
 * the wrong directory should hear so, not sign with a key the server has never seen.
 */
export async function readSigningKey(dir: string): Promise<Uint8Array> {
  const path = join(dir, 'token.key');
  const key = await readKey(path);
  if (!key) {
    throw new Error(
      `No token signing key at ${path}: start the Vaultover region with this data directory first`,
    );
  }
  return key;
}

async function readKey(path: string): Promise<Uint8Array | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (bytes.length !== SIGNING_KEY_BYTES) {
    throw new Error(
      `${path} holds ${bytes.length} bytes, expected ${SIGNING_KEY_BYTES}; delete it to start over`,
    );
  }
  return new Uint8Array(bytes);
}
