import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createFileOnce } from '@vaultover/foundation';
import { type RedisUser, redisUrlAs } from './redis-users.ts';

/** The file, in a deployment's data directory, that holds its Redis secret. */
export const REDIS_SECRET_FILE = 'redis.secret';

/**
 * The deployment's Redis secret from `<dataDir>/redis.secret` (mode 0600), created on first use the way
 * `master.key` and `token.key` are: a complete temp file hard-linked into place, so processes racing to
 * create it agree on the first one. Every Redis user's password derives from it (redis-users.ts).
 */
export async function ensureRedisSecret(dataDir: string): Promise<string> {
  const path = join(dataDir, REDIS_SECRET_FILE);
  const existing = await readRedisSecret(dataDir);
  if (existing !== undefined) return existing;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await createFileOnce(path, randomBytes(32).toString('base64url'));
  const created = await readRedisSecret(dataDir);
  if (created === undefined) throw new Error(`${path} vanished right after it was created`);
  return created;
}

/** The secret `ensureRedisSecret` created in `dataDir`, or undefined when there is none (external Redis). */
export async function readRedisSecret(dataDir: string): Promise<string | undefined> {
  try {
    return (await readFile(join(dataDir, REDIS_SECRET_FILE), 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * A Redis URL as endpoints.json shows it (password redacted) with `user`'s credentials, derived from the
 * secret in `dataDir`: how a tool or a test reaches a running deployment's embedded Redis. Unchanged when
 * the deployment has no secret (external Redis: its credentials are its owner's).
 */
export async function redisUrlFromEndpoints(
  url: string,
  dataDir: string,
  user: RedisUser = 'admin',
): Promise<string> {
  const secret = await readRedisSecret(dataDir);
  return secret === undefined ? url : redisUrlAs(url, user, secret);
}
